/** `weft graph FILE`: the workflow's task graph as Mermaid, DOT or JSON on stdout. */
import { UsageError } from '../../engine/errors.js';
import { GRAPH_FORMATS, renderGraph, type GraphFormat } from '../../render/graph.js';
import { expectPositionals, HELP_OPTION, parseCommandArgs, type Command } from '../args.js';
import { loadWorkflowFile, openWorkspace } from '../workspace.js';

const HELP = `Usage: weft graph FILE [--format mermaid|dot|json]

Prints the workflow's task graph to stdout. A forEach task is one node marked
"for each"; a trigger rule other than all_success is shown on its node.

Options:
  --format FORMAT   mermaid (default), dot (Graphviz) or json
  --config FILE     use this weft.config.mjs (default: beside FILE, then ./)
  -h, --help        show this help`;

const OPTIONS = {
  ...HELP_OPTION,
  format: { type: 'string', short: 'f' },
  config: { type: 'string' },
} as const;

export const graphCommand: Command = {
  name: 'graph',
  summary: 'print the task graph (mermaid, dot or json)',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    const [file = ''] = expectPositionals(positionals, ['FILE'], HELP);
    const format = graphFormat(values.format ?? 'mermaid');
    const { engine } = await openWorkspace({ workflowFile: file, configFile: values.config });
    const workflow = await loadWorkflowFile(engine, file);
    process.stdout.write(renderGraph(workflow, format));
    return 0;
  },
};

function graphFormat(text: string): GraphFormat {
  const format = GRAPH_FORMATS.find((f) => f === text);
  if (!format) throw new UsageError(`--format must be one of ${GRAPH_FORMATS.join(', ')}; got "${text}"`);
  return format;
}
