/** The self-contained HTML run report. */
export { renderReport, reportHtml, scriptSafeJson, writeReport } from './html.js';
export { layoutGraph, type GraphLayout, type LayoutEdge, type LayoutInput, type LayoutNode } from './layout.js';
export { buildReportData, type ReportAttempt, type ReportData, type ReportInput, type ReportTask } from './report-data.js';
