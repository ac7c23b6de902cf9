/** A test harness with no dependencies: `check` runs a case, `report` sets the exit code. */
declare const console: { log(...values: unknown[]): void; error(...values: unknown[]): void };
declare const process: { exitCode?: number };

let failures = 0;

export function check(name: string, body: () => void): void {
  try {
    body();
    console.log(`ok   ${name}`);
  } catch (error) {
    failures++;
    console.error(`FAIL ${name}: ${(error as Error).message}`);
  }
}

export function equal(actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`expected ${String(expected)}, got ${String(actual)}`);
}

export function report(): void {
  console.log(failures === 0 ? 'all tests passed' : `${failures} test(s) failed`);
  if (failures > 0) process.exitCode = 1;
}
