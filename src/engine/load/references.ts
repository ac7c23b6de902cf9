/**
 * Load-time checks of what expressions read: declared inputs, existing tasks, `item`
 * only where there is one. Reads of other tasks are recorded so that, once the graph
 * is known, each can be checked against the reader's needs.
 */
import type { IssueList } from './issues.js';
import type { ExpressionSite } from './template.js';
import { didYouMean } from './suggest.js';

/** Task ids, matched case-insensitively as GitHub matches context keys. */
export class TaskIndex {
  private readonly byLowerId = new Map<string, number>();
  private suggestionsLeft = 50;

  constructor(readonly ids: readonly string[]) {
    ids.forEach((id, index) => {
      const lower = id.toLowerCase();
      if (!this.byLowerId.has(lower)) this.byLowerId.set(lower, index);
    });
  }

  indexOf(name: string): number | undefined {
    return this.byLowerId.get(name.toLowerCase());
  }

  /**
   * `; did you mean …?` for a name that is not a task. Each costs a pass over every id,
   * so a huge workflow with a systematic mistake gets suggestions for its first few only.
   */
  suggest(name: string): string {
    if (this.suggestionsLeft <= 0) return '';
    this.suggestionsLeft--;
    return didYouMean(name, this.ids);
  }

  /** The id as declared, for a name as read in an expression. */
  resolve(name: string): string | undefined {
    const index = this.indexOf(name);
    return index === undefined ? undefined : this.ids[index];
  }
}

/** Where an expression is and what it may read. */
export interface ReferenceScope {
  /** The task whose field holds the expression; absent for workflow `outputs` and `env`. */
  reader?: number;
  /** In words, for messages: "task `build`", "workflow `env`". */
  where: string;
  /** `item` and `index` exist: a forEach task, outside its `forEach` itself. */
  allowItem: boolean;
  /** `tasks` may be read at all (not in workflow `env`, which every task shares). */
  allowTasks: boolean;
}

/** A read of `tasks.<target>` by a task, to be checked against its needs. */
export interface TaskRead {
  reader: number;
  target: number;
  site: ExpressionSite;
  /** Offset of the name in the expression. */
  offset: number;
}

export class ReferenceChecker {
  readonly reads: TaskRead[] = [];

  constructor(
    private readonly issues: IssueList,
    private readonly tasks: TaskIndex,
    private readonly inputNames: readonly string[],
    private readonly secretNames: readonly string[] = [],
  ) {}

  check(site: ExpressionSite, scope: ReferenceScope): void {
    const { refs } = site.expression;
    const at = (offset: number) => ({ offset: site.offset + offset });
    for (const ref of refs.inputs) {
      if (this.inputNames.some((name) => name.toLowerCase() === ref.name.toLowerCase())) continue;
      const declared = this.inputNames.length > 0 ? `declared inputs: ${this.inputNames.join(', ')}` : 'the workflow declares no `inputs`';
      this.issues.add(site.path, `unknown input \`${ref.name}\` read in ${scope.where}${didYouMean(ref.name, this.inputNames)} (${declared})`, at(ref.offset));
    }
    for (const ref of refs.secrets) {
      if (this.secretNames.some((name) => name.toLowerCase() === ref.name.toLowerCase())) continue;
      const declared = this.secretNames.length > 0 ? `declared secrets: ${this.secretNames.join(', ')}` : 'the workflow declares no `secrets`';
      this.issues.add(site.path, `unknown secret \`${ref.name}\` read in ${scope.where}${didYouMean(ref.name, this.secretNames)} (${declared})`, at(ref.offset));
    }
    for (const ref of refs.item) {
      if (scope.allowItem) continue;
      this.issues.add(site.path, `\`${ref.name}\` is only defined in a task with \`forEach\`, and not inside \`forEach\` itself (read in ${scope.where})`, at(ref.offset));
    }
    for (const offset of refs.wholeTasks) {
      this.issues.add(site.path, `\`tasks\` must be followed by a task id, as in \`tasks.build.outputs\` (in ${scope.where})`, at(offset));
    }
    for (const ref of refs.tasks) this.checkTask(site, scope, ref.name, ref.offset);
  }

  private checkTask(site: ExpressionSite, scope: ReferenceScope, name: string, offset: number): void {
    const where = { offset: site.offset + offset };
    if (!scope.allowTasks) {
      this.issues.add(site.path, `${scope.where} cannot read \`tasks\`: it is shared by every task; read \`tasks.${name}\` in a task's own \`env\` instead`, where);
      return;
    }
    const target = this.tasks.indexOf(name);
    if (target === undefined) {
      this.issues.add(site.path, `unknown task \`${name}\` read in ${scope.where}${this.tasks.suggest(name)}`, where);
      return;
    }
    if (scope.reader === target) {
      this.issues.add(site.path, `${scope.where} reads its own result through \`tasks.${name}\`; a task can only read tasks it needs`, where);
      return;
    }
    if (scope.reader !== undefined) this.reads.push({ reader: scope.reader, target, site, offset });
  }

  /** Reports recorded reads whose target is not among the reader's (transitive) needs. */
  reportUnneeded(reaches: readonly boolean[]): void {
    this.reads.forEach((read, i) => {
      if (reaches[i]) return;
      const reader = this.tasks.ids[read.reader]!;
      const target = this.tasks.ids[read.target]!;
      this.issues.add(
        read.site.path,
        `task \`${reader}\` reads tasks.${target} but does not need it; add ${target} to its \`needs\``,
        { offset: read.site.offset + read.offset },
      );
    });
  }
}
