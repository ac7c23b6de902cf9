/** The report's stylesheet, inlined into the page. */
export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa;
  --succeeded: #2da44e; --failed: #cf222e; --running: #0969da; --retrying: #bf8700; --waiting: #8250df;
  --skipped: #8c959f; --upstream_failed: #a475f9; --cancelled: #d4a72c; --pending: #afb8c1; --queued: #afb8c1;
  --critical: #fb8500; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 20px; margin: 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; }
.muted { color: var(--muted); }
main { display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 0; }
section { padding: 16px 24px; border-bottom: 1px solid var(--line); overflow-x: auto; }
section h2 { font-size: 15px; margin: 0 0 10px; }
aside { border-left: 1px solid var(--line); padding: 16px; background: var(--panel); position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; }
aside h2 { font-size: 15px; margin: 0 0 8px; word-break: break-all; }
aside pre { background: #fff; border: 1px solid var(--line); padding: 8px; font-size: 12px; white-space: pre-wrap; word-break: break-all; max-height: 320px; overflow: auto; }
.dag { max-width: 100%; height: auto; }
.node rect { stroke: #fff; stroke-width: 1.5; rx: 6; cursor: pointer; }
.node text { fill: #fff; font-size: 12px; pointer-events: none; }
.node .sub { font-size: 10px; opacity: 0.9; }
.node.critical rect { stroke: var(--critical); stroke-width: 3; }
.node.selected rect { stroke: var(--fg); stroke-width: 3; }
.edge { fill: none; stroke: #8c959f; stroke-width: 1.4; }
.edge.critical { stroke: var(--critical); stroke-width: 2.5; }
.gantt text { font-size: 11px; fill: var(--fg); }
.gantt .row-label { cursor: pointer; }
.gantt .row-label.critical { font-weight: 700; fill: #b35c00; }
.gantt .grid { stroke: #eaeef2; }
.gantt .queue { fill: #eaeef2; }
.gantt .attempt { cursor: pointer; }
.gantt .attempt.critical { stroke: var(--critical); stroke-width: 2; }
.gantt .backoff { fill: url(#hatch); stroke: var(--retrying); stroke-width: 0.5; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: var(--panel); }
tr.critical td:first-child { font-weight: 700; color: #b35c00; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 0 0 12px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.legend { display: flex; gap: 14px; font-size: 12px; color: var(--muted); margin-top: 6px; flex-wrap: wrap; }
.legend i { display: inline-block; width: 12px; height: 10px; margin-right: 4px; vertical-align: -1px; }
`;
