/**
 * The run report as one self-contained HTML file: styles, script and data
 * inlined, and a Content-Security-Policy that forbids fetching anything, so it
 * opens offline and never calls home.
 */
import { writeFileSync } from 'node:fs';
import { buildReportData, type ReportData, type ReportInput } from './report-data.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REPORT_CSS } from './report-style.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

export function renderReport(input: ReportInput): string {
  return reportHtml(buildReportData(input));
}

export function writeReport(file: string, input: ReportInput): void {
  writeFileSync(file, renderReport(input));
}

export function reportHtml(data: ReportData): string {
  const title = escapeHtml(`${data.run.workflow} · run ${data.run.runId} · weft`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
  <h1 id="title"></h1>
  <span id="status" class="badge"></span>
  <span id="meta" class="muted"></span>
  <strong id="run-error" style="color: var(--failed)"></strong>
</header>
<main>
  <div>
    <section><h2>Graph</h2><div id="dag"></div>
      <div class="legend"><span><i style="background: var(--succeeded)"></i>succeeded</span><span><i style="background: var(--failed)"></i>failed</span><span><i style="background: var(--retrying)"></i>attempt that was retried</span><span><i style="background: var(--skipped)"></i>skipped</span><span><i style="border: 2px solid var(--critical)"></i>critical path</span></div>
    </section>
    <section><h2>Timeline: one bar per attempt</h2><div id="gantt"></div>
      <div class="legend"><span><i style="background: #eaeef2"></i>queued</span><span><i style="background: #fff8c5; border: 1px solid #bf8700"></i>back-off before a retry</span><span><i style="border: 2px solid var(--critical)"></i>critical path</span></div>
    </section>
    <section><h2>Insights</h2><div id="insights"></div></section>
    <section><h2>Tasks</h2><div id="tasks"></div></section>
  </div>
  <aside id="details"><p class="muted">Click a task to see its error and log tail.</p></aside>
</main>
<script id="weft-data" type="application/json">${scriptSafeJson(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/** JSON that cannot end the `<script>` element it sits in, whatever the task text holds. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
