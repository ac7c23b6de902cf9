/**
 * The floor: Kahn's algorithm with a concurrency counter and nothing else — no
 * states, no events, no priorities, no errors. What running a promise DAG costs
 * Node itself; no engine can be cheaper than this by much.
 */
export async function runFloor(
  deps: readonly (readonly number[])[],
  work: (task: number) => unknown,
  concurrency = Infinity,
): Promise<void> {
  const n = deps.length;
  const waiting = new Int32Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  const ready: number[] = [];
  for (let i = 0; i < n; i++) {
    waiting[i] = deps[i]!.length;
    for (const d of deps[i]!) dependents[d]!.push(i);
    if (waiting[i] === 0) ready.push(i);
  }
  let running = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const finish = (task: number): void => {
      running--;
      done++;
      for (const next of dependents[task]!) {
        const left = waiting[next]! - 1;
        waiting[next] = left;
        if (left === 0) ready.push(next);
      }
      pump();
    };
    const pump = (): void => {
      if (done === n) return resolve();
      while (running < concurrency && ready.length > 0) {
        const task = ready.pop()!;
        running++;
        Promise.resolve(work(task)).then(() => finish(task), reject);
      }
    };
    pump();
  });
}
