/**
 * Profiles one weft run, and only the run: the workflow is defined first (as the bench
 * defines it), then the V8 profiler (what `node --cpu-prof` uses) records from
 * `engine.start` to the result.
 *
 *   node --import tsx bench/profile.ts [shape] [size] [concurrency|unlimited] [out.cpuprofile]
 *
 * Prints the functions with the most self time; open the file in Chrome DevTools or
 * speedscope for the full picture.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { probedEcho } from './contenders.js';
import { Probe } from './probe.js';
import { makeDag, toDefinition, type Shape } from './shapes.js';
import { WorkflowEngine } from './weft.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function, most first. */
export function selfTimes(profile: Profile): { name: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    // The inspector's own `dispatch` of `Profiler.stop`, which builds the profile while the sampler still runs: after the run, not part of it.
    if (frame.functionName === 'dispatch' && frame.url === '') return;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
    const us = profile.timeDeltas[i] ?? 0;
    totals.set(name, (totals.get(name) ?? 0) + us);
    all += us;
  });
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / all }));
}

async function main(): Promise<void> {
  const [shape = 'layered', sizeArg = '100000', concurrencyArg = '8', out = 'weft-run.cpuprofile'] = process.argv.slice(2);
  const size = Number(sizeArg);
  const concurrency = concurrencyArg === 'unlimited' ? undefined : Number(concurrencyArg);
  const dag = makeDag(shape as Shape, size);
  const probe = new Probe(size);
  const engine = new WorkflowEngine({ builtins: false, executors: [probedEcho(probe)] });
  const workflow = engine.define(toDefinition(dag, concurrency));
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const start = performance.now();
  const result = await engine.run(workflow);
  const wallMs = performance.now() - start;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();
  await writeFile(out, JSON.stringify(profile));
  console.log(`${shape} ${size} concurrency ${concurrencyArg}: ${result.status}, ${((wallMs * 1000) / size).toFixed(2)} µs/task; profile in ${out}`);
  for (const { name, ms, share } of selfTimes(profile).slice(0, 30)) {
    console.log(`${ms.toFixed(1).padStart(9)} ms ${(share * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
}

await main();
