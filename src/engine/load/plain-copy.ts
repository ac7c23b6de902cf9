/**
 * A workflow handed over as an object is as untrusted as a file, and it stays the
 * caller's to change after loading. So before any check reads it, it is walked once,
 * without recursion and without running any of its code (no getter, proxy trap or
 * `toJSON` is called), and copied: the checks and the compiled workflow see only the
 * copy, and the caller's object is never modified.
 *
 * What a copy may hold is what JSON and YAML hold: plain objects (prototype
 * `Object.prototype` or null), arrays, text, finite numbers, booleans and null. A
 * property set to `undefined` is left out, as `JSON.stringify` does. The same object
 * may sit at several places (it is copied to each); an object inside itself may not.
 * Nesting, the length of each text and the size of the whole (at least its size as
 * JSON, every place of a shared object counted) are capped as for a file.
 */
import { types } from 'node:util';
import type { IssueList } from './issues.js';
import { MAX_FILE_BYTES, MAX_NESTING_DEPTH, MAX_SCALAR_CHARS } from './limits.js';
import { describePath, formatPath } from './path.js';
import type { Path, PathSegment } from './path.js';
import { shortText } from './printable.js';

/** Problems listed before the walk gives up: enough to act on, bounded for a hostile object. */
const MAX_LISTED = 100;

type Container = Record<string, unknown> | unknown[];

/** Where a value is, as a link to its parent; spelt out only for a message. */
interface Place {
  parent: Place | undefined;
  key: PathSegment;
}

/** A container being copied, entry by entry: the stack of them is the walk's position. */
interface Frame {
  from: object;
  into: Container;
  at: Place | undefined;
  depth: number;
  /** The object's own keys; for a list, undefined (its items are read by index). */
  keys: ReadonlyArray<string | symbol> | undefined;
  count: number;
  next: number;
}

/** Not copied: the problem is already listed. */
const SKIP = Symbol('skip');

/**
 * A plain copy of `value`. Lists every problem on `issues`, in the order written,
 * and throws a `WorkflowValidationError` if there is any.
 */
export function copyDefinition(value: unknown, issues: IssueList): Record<string, unknown> {
  return new PlainCopy(issues).copy(value);
}

class PlainCopy {
  /** The containers being copied, each with its place: a value among them contains itself. */
  private readonly open = new Map<object, Place | undefined>();
  private readonly stack: Frame[] = [];
  private size = 0;
  private listed = 0;

  constructor(private readonly issues: IssueList) {}

  copy(value: unknown): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || kindProblem(value) !== undefined || Array.isArray(value)) {
      this.issues.add([], `a workflow definition must be a plain object with keys such as \`name\` and \`tasks\`, but it is ${describeKind(value)}`);
      this.issues.throwIfAny();
    }
    const root: Record<string, unknown> = {};
    this.enter(value as object, root, undefined, 1);
    while (this.stack.length > 0 && this.listed < MAX_LISTED) {
      const frame = this.stack[this.stack.length - 1]!;
      if (frame.next < frame.count) {
        if (frame.keys === undefined) this.copyItem(frame, frame.next++);
        else this.copyProperty(frame, frame.keys[frame.next++]!);
        continue;
      }
      this.stack.pop();
      this.open.delete(frame.from);
      if (frame.keys === undefined) this.checkListKeys(frame);
    }
    this.issues.throwIfAny();
    return root;
  }

  /** Starts copying a container's entries, before those of its later siblings. */
  private enter(from: object, into: Container, at: Place | undefined, depth: number): void {
    const keys = Array.isArray(from) ? undefined : Reflect.ownKeys(from);
    const count = keys === undefined ? (from as unknown[]).length : keys.length;
    this.open.set(from, at);
    this.stack.push({ from, into, at, depth, keys, count, next: 0 });
  }

  private copyProperty(frame: Frame, key: string | symbol): void {
    if (typeof key === 'symbol') {
      this.problem(frame.at, `has a symbol key (\`${shortText(String(key.description))}\`); use text keys`);
      return;
    }
    const place: Place = { parent: frame.at, key };
    const descriptor = Object.getOwnPropertyDescriptor(frame.from, key)!;
    if (!this.readable(descriptor, place) || descriptor.value === undefined) return;
    this.charge(key.length + 3);
    if (key.length > MAX_SCALAR_CHARS) this.problem(place, `has a key ${tooLong(key.length)}`);
    const copied = this.copyValue(descriptor.value, place, frame.depth);
    if (copied === SKIP) return;
    const target = frame.into as Record<string, unknown>;
    // Assigning `__proto__` would set the copy's prototype; defined, it is a key like any other (and `checkNames` refuses it as a name).
    if (key === '__proto__') Object.defineProperty(target, key, { value: copied, enumerable: true, writable: true, configurable: true });
    else target[key] = copied;
  }

  private copyItem(frame: Frame, index: number): void {
    const place: Place = { parent: frame.at, key: index };
    const descriptor = Object.getOwnPropertyDescriptor(frame.from, index);
    if (descriptor === undefined) {
      this.problem(place, 'is a hole in a sparse list; fill it or remove it');
      return;
    }
    if (!this.readable(descriptor, place)) return;
    if (descriptor.value === undefined) {
      this.problem(place, 'is `undefined`; a list item must be a value: remove it or use null');
      return;
    }
    const copied = this.copyValue(descriptor.value, place, frame.depth);
    if (copied !== SKIP) (frame.into as unknown[]).push(copied);
  }

  /** Keys of a list beyond its items (and `length`) would be dropped without a word; said instead. */
  private checkListKeys(frame: Frame): void {
    const keys = Reflect.ownKeys(frame.from);
    if (keys.length === frame.count + 1) return;
    for (const key of keys) {
      if (key === 'length' || (typeof key === 'string' && isIndex(key, frame.count))) continue;
      this.problem(frame.at, `is a list with a named property \`${shortText(typeof key === 'symbol' ? String(key.description) : key)}\`; a list holds only its items`);
    }
  }

  /** The copy of one value (a container's is empty, and entered); SKIP once a problem is listed. */
  private copyValue(value: unknown, place: Place, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        this.charge(value.length + 2);
        if (value.length > MAX_SCALAR_CHARS) return this.problem(place, `is ${tooLong(value.length)}. Keep large data in a file the task reads`);
        return value;
      case 'number':
        this.charge(1);
        if (!Number.isFinite(value)) return this.problem(place, `is ${Number.isNaN(value) ? '`NaN`' : 'an infinite number'}; use a finite number`);
        return value;
      case 'boolean':
        this.charge(1);
        return value;
      case 'object': {
        this.charge(2);
        if (value === null) return null;
        const problem = kindProblem(value);
        if (problem !== undefined) return this.problem(place, problem);
        if (this.open.has(value)) {
          const where = formatPath(spell(this.open.get(value)));
          return this.problem(place, `is ${where === '' ? 'the whole definition' : `\`${where}\``} again, which holds it, so the definition would never end. A definition must be a tree: build a new value here`);
        }
        if (depth + 1 > MAX_NESTING_DEPTH) return this.problem(place, `values are nested more than ${MAX_NESTING_DEPTH} levels deep here; flatten the structure`, false);
        const copy: Container = Array.isArray(value) ? [] : {};
        this.enter(value, copy, place, depth + 1);
        return copy;
      }
      default:
        return this.problem(place, primitiveProblem(value));
    }
  }

  /** True for an ordinary data property; a getter is never called. */
  private readable(descriptor: PropertyDescriptor, place: Place): boolean {
    if (!('value' in descriptor)) {
      this.problem(place, 'is a getter or setter, which loading would have to run; give it a plain value');
      return false;
    }
    if (!descriptor.enumerable) {
      this.problem(place, 'is a non-enumerable property, which `JSON.stringify` and `Object.keys` skip; make it an ordinary property or remove it');
      return false;
    }
    return true;
  }

  /** Lists a problem, `what` said of the value at `at` (or on its own, without `subject`). */
  private problem(at: Place | undefined, what: string, subject = true): typeof SKIP {
    if (this.listed >= MAX_LISTED) return SKIP;
    const path = spell(at);
    this.issues.add(path, subject ? `${describePath(path)} ${what}` : what);
    this.listed++;
    return SKIP;
  }

  /** Counts toward the size cap; over it, the walk stops at once. */
  private charge(chars: number): void {
    this.size += chars;
    if (this.size <= MAX_FILE_BYTES) return;
    const mb = MAX_FILE_BYTES / 1024 / 1024;
    this.issues.add([], `the definition is more than ${mb} MB as JSON (each place of a shared object counted), the most a workflow file may hold; split it into smaller workflows`);
    this.issues.throwIfAny();
  }
}

function spell(at: Place | undefined): Path {
  const path: PathSegment[] = [];
  for (let place = at; place; place = place.parent) path.push(place.key);
  return path.reverse();
}

function isIndex(key: string, length: number): boolean {
  const index = Number(key);
  return Number.isInteger(index) && index >= 0 && index < length && String(index) === key;
}

function tooLong(length: number): string {
  const [chars, limit] = [length, MAX_SCALAR_CHARS].map((n) => n.toLocaleString('en'));
  return `${chars} characters long; the limit is ${limit}`;
}

/** Why an object is not plain data, with what to pass instead; undefined for a plain object or array. */
function kindProblem(value: object): string | undefined {
  if (types.isProxy(value)) return 'is a Proxy, whose traps loading would have to run; pass the plain object it wraps';
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) return proto === Array.prototype ? undefined : `is a list of another class (${className(value) ?? 'unnamed'}); pass a plain array`;
  if (proto === Object.prototype || proto === null) return undefined;
  if (types.isDate(value)) return 'is a Date; write it as text, e.g. with `toISOString()`';
  if (types.isMap(value)) return 'is a Map; pass a plain object, e.g. `Object.fromEntries(map)`';
  if (types.isSet(value)) return 'is a Set; pass an array, e.g. `[...set]`';
  if (types.isRegExp(value)) return 'is a RegExp; write its source as text';
  if (types.isBoxedPrimitive(value)) return 'is a boxed primitive (`new String(…)` and the like); pass the primitive value';
  if (types.isTypedArray(value) || types.isArrayBuffer(value)) return 'is binary data; pass an array of numbers or text';
  const name = className(value);
  return `is ${name ? `an instance of \`${name}\`` : 'an object with a prototype of its own'}, not plain data; pass an object literal, array, text, number, boolean or null`;
}

function primitiveProblem(value: unknown): string {
  switch (typeof value) {
    case 'function':
      return 'is a function, and a definition holds data only; call it and put its result here, or remove it';
    case 'bigint':
      return 'is a BigInt; use a number or text';
    case 'symbol':
      return 'is a symbol; use text';
    default:
      return `is \`${String(value)}\`; use a plain value`;
  }
}

/** The name of an object's class, read without calling anything it defines. */
function className(value: object): string | undefined {
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null || typeof proto !== 'object' || types.isProxy(proto)) return undefined;
    const constructor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    if (typeof constructor !== 'function' || types.isProxy(constructor)) return undefined;
    const name: unknown = Object.getOwnPropertyDescriptor(constructor, 'name')?.value;
    return typeof name === 'string' && name !== '' ? shortText(name) : undefined;
  } catch {
    return undefined;
  }
}

/** How the top-level value reads when it is not a plain object. */
function describeKind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'object') {
    const problem = kindProblem(value);
    if (problem !== undefined) return problem.replace(/^is /, '').replace(/[;,].*$/, '');
    return 'a list';
  }
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}
