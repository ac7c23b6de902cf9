/** The engine users get from `import { WorkflowEngine } from 'weft'`: the core engine with the built-in executors. */
import { CoreEngine, type EngineOptions } from './engine/index.js';
import { builtinExecutors } from './executors/index.js';

export interface WorkflowEngineOptions extends EngineOptions {
  /** Register the built-in executors (`shell`, `echo`). @default true */
  builtins?: boolean;
}

export class WorkflowEngine extends CoreEngine {
  constructor(options: WorkflowEngineOptions = {}) {
    const { builtins = true, executors = [], ...rest } = options;
    super({ ...rest, executors: [...(builtins ? builtinExecutors : []), ...executors] });
  }
}
