#!/usr/bin/env node
/**
 * `npm run demo`: the flagship workflow, offline, in seconds. It makes a temporary
 * git repository from examples/issue-to-pr/project (a small TypeScript library with
 * a real bug and a failing test) with a bare `origin`, writes the issue that
 * describes the bug, and runs workflows/issue-to-pr.yaml with the heuristic
 * analyzer, the `command` resolver running examples/issue-to-pr/fix.sh, the
 * reviewer running the project's tests, and the `local` PR provider.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = join(root, 'examples', 'issue-to-pr');
const cli = join(root, 'dist', 'cli', 'main.js');

if (!existsSync(cli)) {
  console.error('weft is not built yet: run `npm run build` first (npm run demo does it for you).');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'weft-demo-'));
const repo = join(dir, 'durations');
const origin = join(dir, 'origin.git');
const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

heading('1. A repository with a bug');
cpSync(join(example, 'project'), repo, { recursive: true });
git(repo, 'init', '--quiet', '--initial-branch=main');
git(repo, 'config', 'user.name', 'weft demo');
git(repo, 'config', 'user.email', 'demo@weft.invalid');
git(repo, 'config', 'commit.gpgsign', 'false');
git(repo, 'add', '--all');
git(repo, 'commit', '--quiet', '-m', 'durations 1.0.0');
git(dir, 'init', '--quiet', '--bare', origin);
git(repo, 'remote', 'add', 'origin', origin);
git(repo, 'push', '--quiet', 'origin', 'main');
console.log(`checkout  ${repo}\norigin    ${origin} (a bare repository)`);

const issueFile = join(dir, 'issue.json');
cpSync(join(example, 'issue.json'), issueFile);
const issue = JSON.parse(readFileSync(issueFile, 'utf8'));
console.log(`issue     #${issue.number} ${issue.title}`);

heading('2. weft run workflows/issue-to-pr.yaml');
const inputs = join(dir, 'inputs.json');
writeFileSync(inputs, JSON.stringify({ issue: issueFile, repo, fix: join(example, 'fix.sh') }, null, 2));
// Executors use only paths inside the workdir (the workflow's folder) unless the
// operator allows more: this config lets them use the demo's folder.
const config = join(dir, 'weft.config.mjs');
writeFileSync(config, "export default { workspaceRoots: ['.'] };\n");
console.log(`config    ${config} (workspaceRoots: the checkout's folder)`);
// The project's tests compile with TypeScript: weft's own copy is put on PATH.
const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}` };
const run = spawnSync(process.execPath, [cli, 'run', join(root, 'workflows', 'issue-to-pr.yaml'), '--inputs', inputs, '--config', config], { stdio: 'inherit', env });

heading('3. The pull request');
const prDir = join(repo, '.git', 'weft', 'pull-requests');
const prs = existsSync(prDir) ? readdirSync(prDir).filter((name) => name.endsWith('.md')) : [];
for (const name of prs) console.log(readFileSync(join(prDir, name), 'utf8'));
if (prs.length === 0) console.log('(none was opened: the run says why above)');

heading('4. Where the branch went');
console.log(`${origin}:`);
console.log(git(origin, 'for-each-ref', '--format=  %(refname:short)  %(objectname:short)  %(subject)', 'refs/heads/').trimEnd());
console.log(`\nThe user's checkout is untouched (${git(repo, 'symbolic-ref', '--short', 'HEAD').trim()}, clean: ${git(repo, 'status', '--porcelain').trim() === ''}).`);
console.log(`Everything is in ${dir}; remove it with: rm -rf ${dir}`);
process.exit(run.status ?? 1);

function heading(text) {
  console.log(`\n\x1b[1m${text}\x1b[0m`);
}
