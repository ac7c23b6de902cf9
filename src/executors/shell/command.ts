/** Which program runs a script, and with which flags. */

export interface ShellCommand {
  command: string;
  args: string[];
}

/**
 * bash fails on the first failing command, including inside a pipeline, and reads
 * no profile or rc file, so a run does not depend on whose machine it is. `sh` has
 * no pipefail everywhere, so it gets `-e` only. Any other program gets `-c <script>`.
 */
export function shellCommand(shell: string, script: string): ShellCommand {
  switch (shell) {
    case 'bash':
      return { command: 'bash', args: ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script] };
    case 'sh':
      return { command: 'sh', args: ['-e', '-c', script] };
    default:
      return { command: shell, args: ['-c', script] };
  }
}
