/**
 * One task as written to a `CompiledTask`: defaults merged, `run` shorthand expanded,
 * every templated field compiled, every reference checked.
 */
import { ErrorCodes, TaskError } from '../errors.js';
import type { CompiledFallback, CompiledTask, Duration, RetryOptions, Template } from '../types.js';
import type { FallbackDefinition, TaskDefinition, WorkflowDefinition } from './definition.js';
import { parseDuration } from './durations.js';
import { hasExpression, splitTemplate } from './interpolation.js';
import type { IssueList } from './issues.js';
import type { LoadOptions } from './options.js';
import type { Path } from './path.js';
import type { ReferenceChecker, ReferenceScope, TaskIndex } from './references.js';
import type { WorkflowSource } from './source.js';
import { didYouMean, listNames } from './suggest.js';
import { compileTemplate, mergeTemplates } from './template.js';
import type { TemplateOptions } from './template.js';

/** What every task of a workflow is compiled against. */
export interface WorkflowScope {
  definition: WorkflowDefinition;
  issues: IssueList;
  source: WorkflowSource;
  tasks: TaskIndex;
  references: ReferenceChecker;
  executors: LoadOptions['executors'];
  /** Capacity of every pool a task may draw from. */
  pools: ReadonlyMap<string, number>;
  /** The workflow's `env`, compiled once. */
  env: Template<Record<string, string>>;
  /** `defaults`, with durations already in ms. */
  defaults: { retry: RetryOptions; timeoutMs?: number };
}

export interface TaskCompilation {
  task: CompiledTask;
  /** Indexes of the tasks it needs, without duplicates or itself. */
  needs: number[];
}

const SHELL = 'shell';

/**
 * Shared by every task without expressions in script inputs, or without resources:
 * most tasks of a generated 100,000-task workflow, which would otherwise hold two
 * empty objects each. Frozen, since they are shared.
 */
const NO_EXPR_ENV: Record<string, Template> = Object.freeze({});
const NO_RESOURCES: Record<string, number> = Object.freeze({});

/**
 * The input of a task without `with` or `run`: one template for all of them, giving
 * each attempt an empty object of its own, which the executor may change freely.
 */
const NO_INPUT: Template<Record<string, unknown>> = Object.freeze({ isStatic: true, taskRefs: Object.freeze([]), evaluate: () => ({}) });

export function compileTask(id: string, order: number, definition: TaskDefinition, scope: WorkflowScope): TaskCompilation {
  const path: Path = ['tasks', id];
  const { issues } = scope;
  const uses = executorOf(id, definition, scope);
  const needs = resolveNeeds(id, order, definition, scope);
  const exprEnv: Record<string, Template> = {};
  const templateOptions = (field: string, allowItem: boolean): TemplateOptions =>
    checkedTemplate(scope, [...path, field], { reader: order, where: `task \`${id}\``, allowItem, allowTasks: true });
  const forEachTask = definition.forEach !== undefined;

  const task: CompiledTask = {
    id,
    order,
    uses,
    with: definition.with === undefined && definition.run === undefined ? NO_INPUT : compileTemplate(withOf(id, definition, issues), {
      ...templateOptions('with', forEachTask),
      shellInputs: scope.executors.get(uses)?.shellInputs ?? [],
      exprEnv,
      keyPaths: definition.run !== undefined ? { run: [...path, 'run'] } : undefined,
    }),
    env:
      definition.env === undefined
        ? scope.env
        : mergeTemplates(scope.env, compileTemplate(definition.env, { ...templateOptions('env', forEachTask), stringify: true })),
    exprEnv,
    needs: needs.map((index) => scope.tasks.ids[index]!),
    trigger: definition.trigger ?? 'all_success',
    retry: retryOf(id, definition, scope),
    resources: resourcesOf(id, definition, scope),
    priority: definition.priority ?? 0,
    continueOnError: definition.continueOnError ?? false,
    location: { file: issues.file, ...scope.source.position(path, { key: true }), path: `tasks.${id}` },
  };
  if (definition.if !== undefined) {
    const condition = conditionOf(definition.if, templateOptions('if', forEachTask), issues);
    if (condition) task.if = condition;
  }
  if (definition.fallback !== undefined) task.fallback = fallbackOf(id, definition.fallback, templateOptions, scope);
  if (definition.forEach !== undefined) {
    const forEach = forEachOf(id, definition.forEach, templateOptions('forEach', false), issues);
    if (forEach) task.forEach = forEach;
  }
  const timeout = definition.timeout !== undefined ? durationOf(definition.timeout, [...path, 'timeout'], issues) : scope.defaults.timeoutMs;
  if (timeout !== undefined) task.timeoutMs = timeout;
  if (isEmpty(exprEnv)) task.exprEnv = NO_EXPR_ENV;
  return { task, needs };
}

/** What checking templates needs. */
export type CheckContext = Pick<WorkflowScope, 'issues' | 'references' | 'tasks'>;

/** Template options that report syntax errors and check each expression's references. */
export function checkedTemplate(checks: CheckContext, path: Path, references: ReferenceScope): TemplateOptions {
  return {
    path,
    onExpression: (site) => checks.references.check(site, references),
    onError: (at, offset, message) => checks.issues.add(at, message, { offset }),
    resolveTask: (name) => checks.tasks.resolve(name),
  };
}

function executorOf(id: string, definition: TaskDefinition, scope: WorkflowScope): string {
  const path: Path = ['tasks', id, definition.uses !== undefined ? 'uses' : 'run'];
  if (definition.run !== undefined && definition.uses !== undefined && definition.uses !== SHELL) {
    scope.issues.add(['tasks', id, 'run'], `task \`${id}\` has both \`run\` and \`uses: ${definition.uses}\`; \`run\` is short for \`uses: shell\`, so drop one of them`);
  }
  const uses = definition.uses ?? (definition.run !== undefined ? SHELL : '');
  if (uses !== '' && !scope.executors.get(uses)) {
    const names = scope.executors.names();
    scope.issues.add(path, `unknown executor \`${uses}\` in task \`${id}\`${didYouMean(uses, names)} (available: ${listNames(names)})`);
  }
  return uses;
}

function fallbackOf(id: string, fallback: FallbackDefinition, templateOptions: (field: string, allowItem: boolean) => TemplateOptions, scope: WorkflowScope): CompiledFallback {
  const executor = scope.executors.get(fallback.uses);
  // A missing `uses` has been reported by the schema.
  if (!executor && fallback.uses !== undefined) {
    const names = scope.executors.names();
    scope.issues.add(['tasks', id, 'fallback', 'uses'], `unknown executor \`${fallback.uses}\` in the fallback of task \`${id}\`${didYouMean(fallback.uses, names)} (available: ${listNames(names)})`);
  }
  const exprEnv: Record<string, Template> = {};
  const options = templateOptions('fallback', scope.definition.tasks[id]?.forEach !== undefined);
  const withTemplate = compileTemplate<Record<string, unknown>>(fallback.with ?? {}, {
    ...options,
    path: ['tasks', id, 'fallback', 'with'],
    shellInputs: executor?.shellInputs ?? [],
    exprEnv,
  });
  return { uses: fallback.uses, with: withTemplate, exprEnv };
}

function withOf(id: string, definition: TaskDefinition, issues: IssueList): Record<string, unknown> {
  const input = definition.with ?? {};
  if (definition.run === undefined) return input;
  if (input.run !== undefined) {
    issues.add(['tasks', id, 'with', 'run'], `task \`${id}\` gives its script twice, as \`run\` and as \`with.run\`; keep one`);
  }
  return { ...input, run: definition.run };
}

/**
 * The indexes of the tasks a task needs. Where each is written is worked out again
 * (`needPath`) only for a message: a map of paths per task would live as long as
 * the whole workflow's compilation, some 300 bytes a task.
 */
function resolveNeeds(id: string, order: number, definition: TaskDefinition, scope: WorkflowScope): number[] {
  const written = writtenNeeds(definition);
  const needs: number[] = [];
  const seen = new Set<string>();
  written.forEach((name, i) => {
    const index = scope.tasks.indexOf(name);
    // A repeated name is reported once, by the schema's `uniqueItems`.
    if (seen.has(name.toLowerCase())) return;
    seen.add(name.toLowerCase());
    if (index === undefined) {
      scope.issues.add(needPathAt(id, definition, i), `task \`${id}\` needs \`${name}\`, which is not a task${scope.tasks.suggest(name)}`);
    } else if (index === order) {
      scope.issues.add(needPathAt(id, definition, i), `task \`${id}\` needs itself; remove \`${name}\` from its \`needs\``);
    } else {
      needs.push(index);
    }
  });
  return needs;
}

function writtenNeeds(definition: TaskDefinition): readonly string[] {
  return typeof definition.needs === 'string' ? [definition.needs] : (definition.needs ?? []);
}

function needPathAt(id: string, definition: TaskDefinition, i: number): Path {
  return typeof definition.needs === 'string' ? ['tasks', id, 'needs'] : ['tasks', id, 'needs', i];
}

/** Where task `id` names the task at index `target` in its `needs`. */
export function needPath(id: string, definition: TaskDefinition, target: number, scope: Pick<WorkflowScope, 'tasks'>): Path {
  const i = writtenNeeds(definition).findIndex((name) => scope.tasks.indexOf(name) === target);
  return i < 0 ? ['tasks', id] : needPathAt(id, definition, i);
}

/** `if:` with or without `${{ }}`, or a boolean. */
function conditionOf(condition: string | boolean, options: TemplateOptions, issues: IssueList): Template | undefined {
  if (typeof condition === 'boolean') return compileTemplate(condition);
  if (!hasExpression(condition)) return compileShifted(condition, options);
  if (!isSingleExpression(condition)) {
    issues.add(options.path!, '`if` must be a single expression; text outside `${{ }}` would make it always true. Put the whole condition inside one `${{ }}`');
    return undefined;
  }
  return compileTemplate(condition.trim(), options);
}

/** A bare expression compiled as `${{ … }}`, with positions still counted in the text as written. */
function compileShifted(expression: string, options: TemplateOptions): Template {
  const shift = '${{ '.length;
  return compileTemplate(`\${{ ${expression} }}`, {
    ...options,
    onExpression: (site) => options.onExpression?.({ ...site, offset: site.offset - shift }),
    onError: (path, offset, message) => options.onError?.(path, Math.max(0, offset - shift), message),
  });
}

function forEachOf(id: string, items: unknown[] | string, options: TemplateOptions, issues: IssueList): Template<unknown[]> | undefined {
  if (typeof items === 'string' && !isSingleExpression(items)) {
    issues.add(options.path!, `\`forEach\` of task \`${id}\` must be a list or one \`\${{ }}\` expression giving a list, got text`);
    return undefined;
  }
  const template = compileTemplate<unknown>(typeof items === 'string' ? items.trim() : items, options);
  if (template.isStatic) return template as Template<unknown[]>;
  return {
    isStatic: false,
    taskRefs: template.taskRefs,
    evaluate(context) {
      const value = template.evaluate(context);
      if (Array.isArray(value)) return value;
      throw new TaskError(ErrorCodes.EXPRESSION_ERROR, `\`forEach\` of task \`${id}\` must give a list, got ${JSON.stringify(value) ?? 'nothing'}`, {
        retryable: false,
      });
    },
  };
}

function isSingleExpression(text: string): boolean {
  try {
    const parts = splitTemplate(text.trim());
    return parts.length === 1 && parts[0]!.kind === 'expression';
  } catch {
    // Unterminated: compiling reports it with its position.
    return true;
  }
}

/** `defaults.retry` under the task's `retry`, field by field. */
function retryOf(id: string, definition: TaskDefinition, scope: WorkflowScope): RetryOptions {
  if (definition.retry === undefined) return scope.defaults.retry;
  return { ...scope.defaults.retry, ...retryInMs(definition.retry, ['tasks', id, 'retry'], scope.issues) };
}

/** A retry policy with `delay` and `maxDelay` in ms; invalid durations are reported and dropped. */
export function retryInMs(retry: RetryOptions, path: Path, issues: IssueList): RetryOptions {
  const result: RetryOptions = { ...retry };
  for (const field of ['delay', 'maxDelay'] as const) {
    const ms = durationOf(retry[field], [...path, field], issues);
    if (ms === undefined) delete result[field];
    else result[field] = ms;
  }
  return result;
}

export function durationOf(value: Duration | undefined, path: Path, issues: IssueList): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (error) {
    issues.add(path, (error as Error).message);
    return undefined;
  }
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

function resourcesOf(id: string, definition: TaskDefinition, scope: WorkflowScope): Record<string, number> {
  const requests = definition.resources ?? NO_RESOURCES;
  for (const [pool, amount] of Object.entries(requests)) {
    const capacity = scope.pools.get(pool);
    const path: Path = ['tasks', id, 'resources', pool];
    if (capacity === undefined) {
      const names = [...scope.pools.keys()];
      const message = `task \`${id}\` requests unknown resource \`${pool}\`${didYouMean(pool, names) || '.'} Known pools: ${listNames(names)}; declare others under the workflow's \`resources\``;
      scope.issues.add(path, message, { key: true });
    } else if (amount > capacity) {
      scope.issues.add(path, `task \`${id}\` requests ${amount} \`${pool}\` but the pool holds only ${capacity}, so it could never run`);
    }
  }
  return requests;
}
