/**
 * `weft validate FILE…`: loads each workflow and reports every problem in every
 * file, compiler-style, so an editor or CI log can jump to it.
 */
import { UsageError, WeftError, WorkflowValidationError } from '../../engine/errors.js';
import { HELP_OPTION, parseCommandArgs, type Command } from '../args.js';
import { ExitCode } from '../failure.js';
import { createStyle, shouldColor } from '../style.js';
import { loadWorkflowFile, openWorkspace } from '../workspace.js';

const HELP = `Usage: weft validate FILE... [--config FILE]

Checks each workflow file without running it. Every problem is printed to
stderr as FILE:LINE:COLUMN: message (at path). Exits 2 if any file is invalid.

Options:
  --config FILE   use this weft.config.mjs (default: beside each FILE, then ./)
  -h, --help      show this help`;

const OPTIONS = { ...HELP_OPTION, config: { type: 'string' } } as const;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check workflow files and report every problem',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    if (positionals.length === 0) throw new UsageError(`missing FILE\n\n${HELP}`);
    const style = createStyle(shouldColor(process.stdout));
    let invalid = 0;
    for (const file of positionals) {
      const problem = await checkFile(file, values.config);
      if (problem === undefined) {
        process.stdout.write(`${style.mark('succeeded')} ${file}\n`);
      } else {
        invalid += 1;
        process.stderr.write(`${problem}\n`);
      }
    }
    if (positionals.length > 1 && invalid > 0) {
      process.stderr.write(`${invalid} of ${positionals.length} files invalid\n`);
    }
    return invalid > 0 ? ExitCode.INVALID : 0;
  },
};

/** The problems found in one file as text, or undefined when it is valid. */
async function checkFile(file: string, configFile: string | undefined): Promise<string | undefined> {
  try {
    const { engine } = await openWorkspace({ workflowFile: file, configFile });
    await loadWorkflowFile(engine, file);
    return undefined;
  } catch (error) {
    if (error instanceof WorkflowValidationError) return error.format();
    if (error instanceof WeftError) return error.message;
    throw error;
  }
}
