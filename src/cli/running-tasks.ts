/**
 * Which tasks are running at this moment, and on which executor: what a person
 * needs to find the culprit when an exception escapes (uncaught-exception.ts).
 * `weft run` and `resume` read it from the progress view's task board; `weft
 * worker` from the executor calls themselves. Either way nothing is done per
 * promise, as tracking by async context would.
 */
import type { Executor, TaskContext } from '../engine/executor.js';
import type { CompiledWorkflow } from '../engine/types.js';
import type { RunEventSource } from './progress.js';
import type { TaskBoard } from './task-board.js';

interface RunningTask {
  runId: string;
  taskId: string;
  attempt: number;
  executor: string;
}

export interface CustomExecutors {
  /** The executors of weft.config.mjs, by name. */
  names: ReadonlySet<string>;
  /** The file they came from. */
  file?: string;
}

/** The executors of a weft.config.mjs. */
export function customExecutorsOf(config: { executors: readonly Executor[]; file?: string }): CustomExecutors {
  return { names: new Set(config.executors.map((executor) => executor.name)), file: config.file };
}

export class RunningTasks {
  /** Each gives what is running in one run, or under one executor; read only when a report is due. */
  private readonly sources: (() => RunningTask[])[] = [];

  /**
   * @param custom the executors a user wrote, the likely culprits
   * @param where how the report says where tasks run ("in this process", "on workers")
   */
  constructor(
    private readonly custom: CustomExecutors,
    private readonly where = 'in this process',
  ) {}

  /**
   * Reads a run's running tasks from the board the progress view keeps anyway, so
   * following a run adds nothing per task; only a fallback taking over is noted.
   */
  follow(run: RunEventSource & { readonly id: string }, workflow: CompiledWorkflow, board: TaskBoard): void {
    const onFallback = new Set<string>();
    run.on('task:retry', (e) => {
      if (e.fallback !== undefined) onFallback.add(e.taskId);
    });
    this.sources.push(() =>
      [...board.tasks.values()]
        .filter((view) => view.status === 'running')
        .map((view) => ({ runId: run.id, taskId: view.id, attempt: view.attempt, executor: executorOf(workflow, view.id, onFallback.has(view.id)) })),
    );
  }

  /** The executor, reporting each call here while it runs. Everything else it has is inherited as is. */
  track<I, O>(executor: Executor<I, O>): Executor<I, O> {
    const running = new Map<string, RunningTask>();
    this.sources.push(() => [...running.values()]);
    const execute = async (input: I, ctx: TaskContext): Promise<O> => {
      const key = `${ctx.runId}\u0000${ctx.taskId}`;
      running.set(key, { runId: ctx.runId, taskId: ctx.taskId, attempt: ctx.attempt, executor: executor.name });
      try {
        return await executor.execute(input, ctx);
      } finally {
        running.delete(key);
      }
    };
    return Object.create(executor, { execute: { value: execute, enumerable: true } }) as Executor<I, O>;
  }

  /** What was running, and which custom executor most likely threw. */
  describe(options: { withRunIds?: boolean } = {}): string[] {
    const tasks = this.sources.flatMap((source) => source());
    if (tasks.length === 0) {
      const after = this.custom.names.size > 0 ? ' (an executor may have left a timer or callback behind after its task ended)' : '';
      return [`no task was running ${this.where} at that moment${after}`];
    }
    const name = (task: RunningTask) => (options.withRunIds ? `${task.taskId} of run ${task.runId}` : task.taskId);
    const lines = [`tasks running ${this.where} at that moment: ${tasks.map((t) => `${name(t)} (${t.executor}, attempt ${t.attempt})`).join(', ')}`];
    const suspects = new Map<string, string[]>();
    for (const task of tasks) if (this.custom.names.has(task.executor)) suspects.set(task.executor, [...(suspects.get(task.executor) ?? []), name(task)]);
    const from = this.custom.file === undefined ? '' : ` from ${this.custom.file}`;
    const [only] = suspects;
    if (suspects.size === 1 && only) {
      const [uses, ids] = only;
      lines.push(`likely culprit: executor "${uses}"${from}, the only custom executor that was running (${plural(ids.length, 'task')} ${ids.join(', ')})`);
    } else if (suspects.size > 1) {
      lines.push(`custom executors that were running${from}: ${[...suspects].map(([uses, ids]) => `"${uses}" (${ids.join(', ')})`).join(', ')}`);
    }
    return lines;
  }
}

/** The executor a task's attempts run on; `build[2]` is an instance of `build`. */
function executorOf(workflow: CompiledWorkflow, taskId: string, onFallback: boolean): string {
  const id = taskId.replace(/\[\d+\]$/, '');
  const task = workflow.tasks.find((t) => t.id === id);
  if (!task) return 'unknown executor';
  return onFallback && task.fallback ? task.fallback.uses : task.uses;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
