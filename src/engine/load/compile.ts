/**
 * A validated workflow definition to the `CompiledWorkflow` the scheduler runs:
 * tasks compiled, the graph checked for cycles, reads of other tasks checked against
 * needs, and the critical path computed.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { CircuitBreakerOptions, CompiledWorkflow, InputSpec } from '../types.js';
import { checkedTemplate, compileTask, durationOf, retryInMs } from './compile-task.js';
import { needPath, type TaskCompilation, type WorkflowScope } from './compile-task.js';
import type { WorkflowDefinition } from './definition.js';
import { dependentTable, TaskGraph } from './graph.js';
import { checkInputDefinitions, toInputSpec } from './inputs.js';
import type { IssueList } from './issues.js';
import type { LoadOptions } from './options.js';
import type { Path } from './path.js';
import { ReferenceChecker, TaskIndex } from './references.js';
import { secretSourcesOf } from './secrets.js';
import type { WorkflowSource } from './source.js';
import { didYouMean, listNames } from './suggest.js';
import { compileTemplate } from './template.js';

/** Pools every engine has: logical CPUs, and memory in MiB. */
export function builtInPools(): Record<string, number> {
  return { cpu: availableParallelism(), memory: Math.floor(totalmem() / (1024 * 1024)) };
}

export function compileWorkflow(definition: WorkflowDefinition, source: WorkflowSource, issues: IssueList, options: LoadOptions): CompiledWorkflow {
  const inputs = compileInputs(definition, issues);
  const ids = Object.keys(definition.tasks ?? {});
  const tasks = new TaskIndex(ids);
  reportCaseClashes(ids, tasks, issues);
  const references = new ReferenceChecker(issues, tasks, Object.keys(inputs), Object.keys(definition.secrets ?? {}));
  const env = compileTemplate<Record<string, string>>(definition.env ?? {}, {
    ...checkedTemplate({ issues, references, tasks }, ['env'], { where: 'the workflow `env`', allowItem: false, allowTasks: false }),
    stringify: true,
  });
  const scope: WorkflowScope = {
    definition,
    issues,
    source,
    tasks,
    references,
    executors: options.executors,
    pools: new Map(Object.entries({ ...builtInPools(), ...options.resources, ...definition.resources })),
    env,
    defaults: defaultsOf(definition, issues),
  };

  const compiled = ids.map((id, order) => compileTask(id, order, definition.tasks[id]!, scope));
  const outputs = compileTemplate<Record<string, unknown>>(
    definition.outputs ?? {},
    checkedTemplate(scope, ['outputs'], { where: 'the workflow `outputs`', allowItem: false, allowTasks: true }),
  );
  const criticalPath = checkGraph(compiled, scope, options);

  const needIndexes = compiled.map((c) => c.needs);
  const workflow: CompiledWorkflow = {
    name: definition.name ?? '',
    file: issues.file,
    inputs,
    resources: { ...definition.resources },
    failFast: definition.failFast ?? false,
    tasks: compiled.map((c) => c.task),
    outputs,
    criticalPath,
    needIndexes,
    dependents: dependentTable(needIndexes),
  };
  if (definition.description !== undefined) workflow.description = definition.description;
  if (definition.concurrency !== undefined) workflow.concurrency = definition.concurrency;
  const timeoutMs = durationOf(definition.timeout, ['timeout'], issues);
  if (timeoutMs !== undefined) workflow.timeoutMs = timeoutMs;
  if (definition.secrets !== undefined) workflow.secrets = secretSourcesOf(definition.secrets, issues);
  if (definition.circuitBreakers !== undefined) workflow.circuitBreakers = circuitBreakersOf(definition, issues, options);
  if (definition.alerts !== undefined) workflow.alerts = { ...definition.alerts };
  return workflow;
}

/** Breaker settings by executor, durations in ms; names must be executors. */
function circuitBreakersOf(definition: WorkflowDefinition, issues: IssueList, options: LoadOptions): Record<string, CircuitBreakerOptions> {
  const result: Record<string, CircuitBreakerOptions> = {};
  for (const [name, settings] of Object.entries(definition.circuitBreakers ?? {})) {
    const path: Path = ['circuitBreakers', name];
    if (!options.executors.get(name)) {
      const names = options.executors.names();
      issues.add(path, `\`circuitBreakers\` names \`${name}\`, which is not an executor${didYouMean(name, names)} (available: ${listNames(names)})`, { key: true });
      continue;
    }
    const resetAfter = durationOf(settings.resetAfter, [...path, 'resetAfter'], issues);
    result[name] = { ...settings, ...(resetAfter === undefined ? {} : { resetAfter }) };
  }
  return result;
}

function compileInputs(definition: WorkflowDefinition, issues: IssueList): Record<string, InputSpec> {
  const inputs = Object.fromEntries(Object.entries(definition.inputs ?? {}).map(([name, input]) => [name, toInputSpec(input)]));
  checkInputDefinitions(inputs, issues);
  return inputs;
}

function defaultsOf(definition: WorkflowDefinition, issues: IssueList): WorkflowScope['defaults'] {
  const retry = retryInMs(definition.defaults?.retry ?? {}, ['defaults', 'retry'], issues);
  const timeoutMs = durationOf(definition.defaults?.timeout, ['defaults', 'timeout'], issues);
  return timeoutMs === undefined ? { retry } : { retry, timeoutMs };
}

/** Expressions match task ids without regard to case, so ids differing only in case would be ambiguous. */
function reportCaseClashes(ids: readonly string[], tasks: TaskIndex, issues: IssueList): void {
  ids.forEach((id, index) => {
    const first = tasks.indexOf(id)!;
    if (first !== index) {
      issues.add(['tasks', id], `task ids \`${ids[first]}\` and \`${id}\` differ only in case; expressions cannot tell them apart, so rename one`, { key: true });
    }
  });
}

/** Reports cycles and unneeded reads; returns the critical path (zeros when there is a cycle). */
function checkGraph(compiled: readonly TaskCompilation[], scope: WorkflowScope, options: LoadOptions): number[] {
  const graph = new TaskGraph(compiled.map((c) => c.needs));
  const { order, cycles } = graph.sort();
  for (const cycle of cycles) reportCycle(cycle, compiled, scope);
  if (cycles.length > 0) return compiled.map(() => 0);
  scope.references.reportUnneeded(graph.reaches(scope.references.reads, order));
  const estimate = options.estimates ?? (() => 1);
  return graph.criticalPath(order, (task) => estimate(compiled[task]!.task.id) ?? 1);
}

/** `a → b → c → a`; a long cycle shows its first and last few tasks. */
function cycleText(ids: readonly string[]): string {
  const shown = ids.length <= CYCLE_SHOWN + 2 ? ids : [...ids.slice(0, CYCLE_SHOWN), `… ${ids.length - CYCLE_SHOWN - 1} more …`, ids[ids.length - 1]!];
  return [...shown, ids[0]].join(' → ');
}

const CYCLE_SHOWN = 10;

function reportCycle(cycle: readonly number[], compiled: readonly TaskCompilation[], scope: WorkflowScope): void {
  const ids = cycle.map((task) => compiled[task]!.task.id);
  const shown = cycleText(ids);
  const first = ids[0]!;
  const path = needPath(first, scope.definition.tasks[first]!, cycle[1] ?? cycle[0]!, scope);
  scope.issues.add(path, `tasks depend on each other in a cycle: ${shown} (each needs the next); remove one of these needs`);
}
