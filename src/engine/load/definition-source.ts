/**
 * The source of a workflow handed over as an object (`loadDefinition`): there is no
 * text, so every issue and task is placed by its path alone, at `NO_POSITION`.
 */
import { NO_POSITION } from './source.js';
import type { Position, WorkflowSource } from './source.js';

export class DefinitionSource implements WorkflowSource {
  readonly hasText = false;

  constructor(readonly file: string) {}

  positionOf(): Position {
    return NO_POSITION;
  }

  position(): Position {
    return NO_POSITION;
  }

  positionInString(): Position {
    return NO_POSITION;
  }
}
