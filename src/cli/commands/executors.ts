/** `weft executors`: the executors a workflow can use here, with their input fields. */
import type { Executor } from '../../engine/executor.js';
import { expectPositionals, HELP_OPTION, parseCommandArgs, type Command } from '../args.js';
import { createStyle, shouldColor } from '../style.js';
import { openWorkspace } from '../workspace.js';

const HELP = `Usage: weft executors [--json] [--config FILE]

Lists the executors available to workflows: the built-in ones and those from
weft.config.mjs (in the current directory, or --config FILE).

Options:
  --json          print the list as JSON
  --config FILE   use this weft.config.mjs
  -h, --help      show this help`;

const OPTIONS = { ...HELP_OPTION, json: { type: 'boolean' }, config: { type: 'string' } } as const;

export interface InputField {
  name: string;
  type?: string;
  description?: string;
  required: boolean;
}

export interface ExecutorSummary {
  name: string;
  description?: string;
  inputs: InputField[];
}

export const executorsCommand: Command = {
  name: 'executors',
  summary: 'list the available executors and their inputs',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    expectPositionals(positionals, [], HELP);
    const { engine } = await openWorkspace({ configFile: values.config });
    const summaries = engine.executors().map(summarizeExecutor);
    const text = values.json
      ? `${JSON.stringify(summaries, null, 2)}\n`
      : formatExecutors(summaries, shouldColor(process.stdout));
    process.stdout.write(text);
    return 0;
  },
};

/** An executor's name, description and the fields of its input schema. */
export function summarizeExecutor(executor: Executor): ExecutorSummary {
  const schema = executor.inputSchema ?? {};
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : []);
  const inputs = Object.entries(properties).map(([name, property]): InputField => {
    const field: InputField = { name, required: required.has(name) };
    if (isRecord(property)) {
      const type = schemaType(property);
      if (type !== undefined) field.type = type;
      if (typeof property.description === 'string') field.description = property.description;
    }
    return field;
  });
  const summary: ExecutorSummary = { name: executor.name, inputs };
  if (executor.description !== undefined) summary.description = executor.description;
  return summary;
}

function schemaType(property: Record<string, unknown>): string | undefined {
  if (typeof property.type === 'string') return property.type;
  if (Array.isArray(property.type)) return property.type.join(' | ');
  if (Array.isArray(property.enum)) return property.enum.map((v) => JSON.stringify(v)).join(' | ');
  return undefined;
}

export function formatExecutors(summaries: ExecutorSummary[], color: boolean): string {
  const style = createStyle(color);
  const blocks = summaries.map((summary) => {
    const lines = [`${style.paint('bold', summary.name)}${summary.description ? `  ${summary.description}` : ''}`];
    const width = Math.max(0, ...summary.inputs.map((field) => field.name.length));
    for (const field of summary.inputs) {
      const type = style.paint('cyan', field.type ?? 'any');
      const required = field.required ? style.paint('yellow', ' (required)') : '';
      const description = field.description ? `  ${field.description}` : '';
      lines.push(`  ${field.name.padEnd(width)}  ${type}${required}${description}`);
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
