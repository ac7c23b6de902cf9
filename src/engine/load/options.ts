/** What `loadWorkflow` needs to know beyond the text. */

/** What the loader needs of an executor. */
export interface ExecutorInfo {
  name: string;
  /** Inputs holding shell scripts; expressions in them become quoted variables. */
  shellInputs?: readonly string[];
}

export interface LoadOptions {
  /** The file name used in messages. @default '<workflow>' */
  file?: string;
  /** The executors a task may use. */
  executors: { get(name: string): ExecutorInfo | undefined; names(): string[] };
  /** Engine-level resource pools (shared by runs) and their capacities. */
  resources?: Record<string, number>;
  /** Estimated duration in ms of a task, for the critical path. @default 1 per task */
  estimates?: (taskId: string) => number | undefined;
}
