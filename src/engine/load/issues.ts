/**
 * Collects every problem found in a workflow, each placed at its node in the file,
 * so that loading reports them all at once.
 */
import { WorkflowValidationError } from '../errors.js';
import type { WorkflowIssue } from '../errors.js';
import { formatPath } from './path.js';
import type { Path } from './path.js';
import { printable } from './printable.js';
import type { Position, WorkflowSource } from './source.js';

export interface IssuePlacement {
  /** Point at the key rather than the value (unknown and duplicate keys). */
  key?: boolean;
  /** Point at this character of the string value (an expression inside it). */
  offset?: number;
}

export class IssueList {
  private readonly issues: WorkflowIssue[] = [];

  constructor(private readonly source: WorkflowSource) {}

  get file(): string {
    return this.source.file;
  }

  /** False for a workflow defined as an object: messages must not speak of YAML text. */
  get fromText(): boolean {
    return this.source.hasText;
  }

  add(path: Path, message: string, placement: IssuePlacement = {}): void {
    const position: Position =
      placement.offset === undefined
        ? this.source.position(path, placement)
        : this.source.positionInString(path, placement.offset);
    this.push(path, message, position);
  }

  /** An issue at a known offset into the text (YAML syntax errors). */
  addAtOffset(path: Path, offset: number, message: string): void {
    this.push(path, message, this.source.positionOf(offset));
  }

  /** Throws a `WorkflowValidationError` listing every issue, in file order (found order without text), if there are any. */
  throwIfAny(): void {
    if (this.issues.length === 0) return;
    const sorted = [...this.issues].sort((a, b) => a.line - b.line || a.column - b.column);
    throw new WorkflowValidationError(sorted);
  }

  private push(path: Path, message: string, position: Position): void {
    const where = { file: this.source.file, line: position.line, column: position.column };
    this.issues.push({ ...where, path: printable(formatPath(path)), message: printable(message) });
  }
}
