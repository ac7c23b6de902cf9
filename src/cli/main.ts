#!/usr/bin/env node
/** The `weft` command: dispatches to a sub-command and turns errors into exit codes. */
import { readFileSync } from 'node:fs';
import { describeThrown, UsageError } from '../engine/errors.js';
import type { Command } from './args.js';
import { approveCommand, rejectCommand } from './commands/approve.js';
import { executorsCommand } from './commands/executors.js';
import { graphCommand } from './commands/graph.js';
import { insightsCommand } from './commands/insights.js';
import { logsCommand } from './commands/logs.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { resumeCommand } from './commands/resume.js';
import { runsCommand } from './commands/runs.js';
import { showCommand } from './commands/show.js';
import { validateCommand } from './commands/validate.js';
import { workerCommand } from './commands/worker.js';
import { reportError } from './failure.js';
import { exitOnUncaughtException } from './uncaught-exception.js';

const COMMANDS: Command[] = [
  runCommand,
  validateCommand,
  graphCommand,
  executorsCommand,
  resumeCommand,
  approveCommand,
  rejectCommand,
  runsCommand,
  showCommand,
  logsCommand,
  insightsCommand,
  reportCommand,
  workerCommand,
];

const HELP = `Usage: weft <command> [options]

A declarative DAG task engine: YAML workflows, a resource-aware scheduler,
retries and timeouts you can trust.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Options:
  -h, --help      show this help (also: weft <command> --help)
  -v, --version   print the version

Examples:
  weft run workflows/hello.yaml
  weft run workflows/inputs.yaml --input name=Ada --json
  weft validate workflows/*.yaml
  weft graph workflows/diamond.yaml --format dot`;

function version(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Exits once stdout and stderr are flushed. Explicit, because the run is over:
 * an executor (a custom one, say) that left a timer or socket behind must not
 * keep the command alive.
 */
async function exitWith(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((done) => s.write('', done))));
  process.exit(code);
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  if (name === undefined) throw new UsageError(`missing command\n\n${HELP}`);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const what = name.startsWith('-') ? `unknown option "${name}"` : `unknown command "${name}"`;
    throw new UsageError(`${what}\n\n${HELP}`);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return exitWith(0);
  }
  await exitWith(await command.run(rest));
}

/**
 * Node ends the process on a promise rejection nobody handles. One left behind by
 * a custom executor must not kill weft mid-run and leave the run unfinished: it is
 * reported, and the run carries on (the executor's task ends by what it returned).
 */
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`weft: warning: a promise was rejected and nothing handled it (a bug in an executor?): ${describeThrown(reason)}\n`);
});
// An exception is different: it cut some code short half-way, so nothing this
// process holds can be trusted. The run is handed over to `weft resume` instead.
exitOnUncaughtException();

main().catch((error: unknown) => exitWith(reportError(error)));
