/**
 * Conversion between plain values and @actions/expressions data, and the context
 * dictionary an expression is evaluated against.
 */
import { data } from '@actions/expressions';
import type { ExpressionContext } from '../types.js';

type Data = data.ExpressionData;
type Pair = { key: string; value: Data };

/**
 * A dictionary whose keys are plain data. The library's own indexes keys in a plain
 * object, so `constructor` and `__proto__` find Object.prototype's members and are
 * dropped; here they are keys like any other, in lookups and in `toJSON`.
 *
 * Lookups ignore case, as in GitHub Actions, but every key is kept: an object with
 * both `x` and `X` passes through an expression whole, and `o.X` reads `X` itself.
 */
class PlainKeyDictionary extends data.Dictionary {
  private readonly entries: Pair[] = [];
  private readonly exact = new Map<string, Pair>();
  private readonly folded = new Map<string, Pair>();

  override add(key: string, value: Data): void {
    if (this.exact.has(key)) return;
    const pair = { key, value };
    this.entries.push(pair);
    this.exact.set(key, pair);
    const lower = key.toLowerCase();
    if (!this.folded.has(lower)) this.folded.set(lower, pair);
  }

  override get(key: string): Data | undefined {
    return (this.exact.get(key) ?? this.folded.get(key.toLowerCase()))?.value;
  }

  override values(): Data[] {
    return this.entries.map((pair) => pair.value);
  }

  override pairs(): Pair[] {
    return [...this.entries];
  }

  /** For `toJSON()`: JSON.stringify asks this first; `fromEntries` keeps `__proto__` an own key. */
  toJSON(): Record<string, Data> {
    return Object.fromEntries(this.entries.map((pair) => [pair.key, pair.value]));
  }
}

/**
 * Conversions of objects already seen. Inputs and task outputs are handed to many
 * expressions (every instance of a large forEach); converting each once keeps
 * evaluation cheap. They are finished results, never changed afterwards.
 */
const converted = new WeakMap<object, Data>();

/** A plain JSON-like value as expression data; `undefined` becomes null. */
export function toData(value: unknown): Data {
  if (value === null || value === undefined) return new data.Null();
  switch (typeof value) {
    case 'string':
      return new data.StringData(value);
    case 'number':
      return new data.NumberData(value);
    case 'boolean':
      return new data.BooleanData(value);
    case 'bigint':
      return new data.NumberData(Number(value));
    case 'object':
      return objectToData(value);
    default:
      return new data.StringData(String(value));
  }
}

function objectToData(value: object): Data {
  const cached = converted.get(value);
  if (cached) return cached;
  let result: Data;
  if (Array.isArray(value)) {
    result = new data.Array(...value.map(toData));
  } else if (value instanceof Date) {
    result = new data.StringData(value.toISOString());
  } else {
    const dictionary = new PlainKeyDictionary();
    for (const [key, item] of Object.entries(value)) dictionary.add(key, toData(item));
    result = dictionary;
  }
  converted.set(value, result);
  return result;
}

/** Expression data back to a plain value. */
export function fromData(value: Data): unknown {
  switch (value.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.Boolean:
      return (value as data.BooleanData).value;
    case data.Kind.Number:
      return value.number();
    case data.Kind.String:
      return value.coerceString();
    case data.Kind.Array:
      return (value as data.Array).values().map(fromData);
    default:
      // Object.fromEntries makes `__proto__` an own key rather than a prototype.
      return Object.fromEntries((value as data.Dictionary).pairs().map((pair) => [pair.key, fromData(pair.value)]));
  }
}

/**
 * The dictionary of contexts for one evaluation. Only the tasks in `taskRefs` are
 * converted: a task in a 100,000-task run reads a handful of others, not all of them.
 */
export function contextData(context: ExpressionContext, taskRefs: readonly string[]): data.Dictionary {
  const tasks = new PlainKeyDictionary();
  for (const id of taskRefs) {
    const state = Object.hasOwn(context.tasks, id) ? context.tasks[id] : undefined;
    if (!state) continue;
    tasks.add(id, new data.Dictionary({ key: 'status', value: toData(state.status) }, { key: 'outputs', value: toData(state.outputs) }));
  }
  return new data.Dictionary(
    { key: 'inputs', value: toData(context.inputs) },
    { key: 'env', value: toData(context.env) },
    { key: 'tasks', value: tasks },
    { key: 'run', value: toData(context.run) },
    { key: 'workflow', value: toData(context.workflow) },
    { key: 'secrets', value: toData(context.secrets ?? {}) },
    { key: 'item', value: toData(context.item) },
    { key: 'index', value: toData(context.index) },
  );
}
