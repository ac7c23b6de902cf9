/**
 * Insights as terminal lines: for the end-of-run summary and `weft insights`.
 * Only what is worth a look is printed; `--json` has everything.
 */
import type { RunInsights, TaskInsight } from './insights.js';

export type Color = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'bold';

/** The part of the CLI's style the text needs. */
export interface Painter {
  paint(color: Color, text: string): string;
}

export interface InsightsTextOptions {
  /** Rows of the per-task table. @default 10 */
  maxTasks?: number;
  /** Duration formatter. @default a short one (`850ms`, `1.2s`, `2m05s`) */
  duration?: (ms: number) => string;
}

const PLAIN: Painter = { paint: (_color, text) => text };

export function formatInsights(insights: RunInsights, painter: Painter = PLAIN, options: InsightsTextOptions = {}): string[] {
  const d = options.duration ?? shortDuration;
  const { paint } = painter;
  const lines = [paint('bold', 'insights')];
  const bound = insights.concurrency === undefined ? 'critical path' : `max(critical path, work ${d(insights.totalWorkMs)} / ${insights.concurrency})`;
  lines.push(
    `  makespan ${d(insights.makespanMs)} · lower bound ${d(insights.lowerBoundMs)} (${bound}) · efficiency ${percent(insights.efficiency)} · peak ${insights.peakRunning} running`,
  );
  const path = insights.criticalPath;
  if (path.tasks.length > 0) lines.push(`  critical path ${d(path.ms)}: ${path.tasks.join(' → ')}`);
  for (const limit of insights.limits.slice(0, 5)) {
    lines.push(
      `  ${paint('yellow', 'held back')} by ${limit.name}: ${limit.attemptsHeld} attempts, ${d(limit.totalHeldMs)} in all, saturated ${percent(limit.saturation)} of the run`,
    );
  }
  const { retries } = insights;
  if (retries.extraAttempts > 0) {
    lines.push(
      `  ${paint('yellow', 'retries')} ${retries.extraAttempts} extra attempts on ${retries.retriedTasks} tasks cost ${d(retries.costMs)} (${d(retries.wastedRunMs)} failed work + ${d(retries.backoffMs)} back-off)`,
    );
  }
  const slowest = insights.executors[0];
  if (insights.executors.length > 1 && slowest) {
    lines.push(`  slowest executor ${slowest.executor}: mean ${d(slowest.meanRunMs)} over ${slowest.attempts} attempts`);
  }
  const tasks = insights.tasks.slice(0, options.maxTasks ?? 10);
  if (tasks.length > 0) lines.push(...taskTable(tasks, painter, d));
  return lines;
}

function taskTable(tasks: TaskInsight[], { paint }: Painter, d: (ms: number) => string): string[] {
  const rows = tasks.map((t) => [t.onCriticalPath ? `${t.taskId} *` : t.taskId, d(t.queueWaitMs), d(t.runMs), d(t.backoffMs), String(t.attempts)]);
  const head = ['task (* critical)', 'queued', 'running', 'back-off', 'attempts'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  return [paint('gray', line(head)), ...rows.map(line)];
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function shortDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
