/**
 * bench/results.svg: median µs per task of the three contenders, one group of bars
 * per configuration, on a log scale (the floor and p-graph differ by ten times or
 * more). A picture answers "how does weft compare, and where" faster than the tables.
 * Plain SVG text, no dependency; RESULTS.md shows it.
 */
import type { BenchResults, RunRow } from './results.js';

const CONTENDERS = [
  { name: 'weft', colour: '#2563eb' },
  { name: 'p-graph', colour: '#f59e0b' },
  { name: 'floor', colour: '#9ca3af' },
] as const;

const BAR = 9;
const GROUP_GAP = 10;
const LABEL_WIDTH = 210;
const PLOT_WIDTH = 520;
const TOP = 58;
const BOTTOM = 40;

export function renderChart(results: BenchResults): string {
  const rows = results.runs.filter((row) => CONTENDERS.some((c) => row.contenders[c.name]?.usPerTask));
  const values = rows.flatMap((row) => CONTENDERS.map((c) => row.contenders[c.name]?.usPerTask.median ?? NaN)).filter((v) => v > 0);
  const scale = logScale(values);
  const groupHeight = CONTENDERS.length * BAR + GROUP_GAP;
  const height = TOP + rows.length * groupHeight + BOTTOM;
  const width = LABEL_WIDTH + PLOT_WIDTH + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="20" font-size="14" font-weight="600">µs per task, median of ${results.meta.options.reps} fresh processes (log scale; shorter is faster)</text>`,
    ...legend(),
    ...ticks(scale, TOP, height - BOTTOM),
  ];
  rows.forEach((row, i) => parts.push(...group(row, scale, TOP + i * groupHeight)));
  parts.push(`<text x="12" y="${height - 10}" fill="#6b7280">${escape(`${results.meta.node} · ${results.meta.cores} × ${results.meta.cpus} · ${results.meta.date.slice(0, 10)}`)}</text>`, '</svg>');
  return `${parts.join('\n')}\n`;
}

interface Scale {
  min: number;
  max: number;
  x(value: number): number;
}

/** Decades around the values: from the power of ten below the smallest to the one above the largest. */
function logScale(values: readonly number[]): Scale {
  const min = 10 ** Math.floor(Math.log10(Math.min(...values, 1)));
  const max = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const span = Math.log10(max) - Math.log10(min);
  return { min, max, x: (value) => LABEL_WIDTH + ((Math.log10(Math.max(value, min)) - Math.log10(min)) / span) * PLOT_WIDTH };
}

function ticks(scale: Scale, top: number, bottom: number): string[] {
  const out: string[] = [];
  for (let value = scale.min; value <= scale.max * 1.0001; value *= 10) {
    const x = scale.x(value).toFixed(1);
    out.push(`<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${bottom}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x}" y="${bottom + 14}" text-anchor="middle" fill="#6b7280">${value >= 1 ? value : value.toFixed(Math.round(-Math.log10(value)))}</text>`);
  }
  return out;
}

function legend(): string[] {
  return CONTENDERS.flatMap((c, i) => {
    const x = LABEL_WIDTH + i * 90;
    return [`<rect x="${x}" y="32" width="12" height="10" fill="${c.colour}"/>`, `<text x="${x + 16}" y="41">${c.name}</text>`];
  });
}

function group(row: RunRow, scale: Scale, y: number): string[] {
  const label = `${row.shape} ${row.size.toLocaleString('en-US')}, ${row.concurrency === 'unlimited' ? 'unlimited' : `concurrency ${row.concurrency}`}`;
  const out = [`<text x="${LABEL_WIDTH - 8}" y="${(y + (CONTENDERS.length * BAR) / 2 + 4).toFixed(1)}" text-anchor="end">${escape(label)}</text>`];
  CONTENDERS.forEach((c, i) => {
    const value = row.contenders[c.name]?.usPerTask.median;
    if (value === undefined || !(value > 0)) return;
    const top = y + i * BAR;
    const end = scale.x(value);
    out.push(`<rect x="${LABEL_WIDTH}" y="${top}" width="${(end - LABEL_WIDTH).toFixed(1)}" height="${BAR - 1}" fill="${c.colour}"><title>${c.name}: ${value.toFixed(2)} µs/task</title></rect>`);
    out.push(`<text x="${(end + 4).toFixed(1)}" y="${top + BAR - 1}" font-size="9" fill="#374151">${value < 10 ? value.toFixed(2) : value.toFixed(1)}</text>`);
  });
  return out;
}

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
