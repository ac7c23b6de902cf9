/**
 * The report's browser script, inlined into the page. It reads the embedded JSON
 * and builds the page with DOM calls only: task ids, errors and log lines are
 * text from outside and are only ever set as text, never parsed as HTML.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('weft-data').textContent);
  var SVG = 'http://www.w3.org/2000/svg';
  var tasksById = {};
  data.tasks.forEach(function (t) { tasksById[t.id] = t; });

  function el(name, attrs, text) {
    var node = document.createElement(name);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svg(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function color(status) { return 'var(--' + status + ', #8c959f)'; }
  function ms(n) {
    if (n === undefined || n === null || !isFinite(n)) return '';
    if (n < 1000) return Math.round(n) + 'ms';
    if (n < 60000) return (n / 1000).toFixed(1) + 's';
    var s = Math.floor(n / 1000);
    return Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's';
  }
  function pct(x) { return Math.round(x * 100) + '%'; }
  function byId(id) { return document.getElementById(id); }

  function header() {
    var run = data.run;
    byId('title').textContent = run.workflow;
    var badge = byId('status');
    badge.textContent = run.status;
    badge.style.background = color(run.status === 'waiting' ? 'waiting' : run.status);
    byId('meta').textContent = 'run ' + run.runId + ' · started ' + run.startedAt + (run.durationMs !== undefined ? ' · took ' + ms(run.durationMs) : '') + ' · report generated ' + data.generatedAt;
    if (run.error) byId('run-error').textContent = run.error.code + ': ' + run.error.message;
  }

  function dag() {
    var g = data.graph;
    var root = svg('svg', { width: g.width, height: g.height, viewBox: '0 0 ' + g.width + ' ' + g.height, role: 'img', 'aria-label': 'task graph', class: 'dag' });
    var critical = {};
    data.tasks.forEach(function (t) { if (t.critical) critical[t.id] = true; });
    g.edges.forEach(function (e) {
      var d = e.points.map(function (p, i) { return (i ? 'L' : 'M') + p.x.toFixed(1) + ' ' + p.y.toFixed(1); }).join(' ');
      var cls = 'edge' + (critical[e.from] && critical[e.to] ? ' critical' : '');
      root.appendChild(svg('path', { d: d, class: cls, 'marker-end': 'url(#arrow)' }));
    });
    var defs = svg('defs');
    var marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
    marker.appendChild(svg('path', { d: 'M0 0 L10 5 L0 10 z', fill: '#8c959f' }));
    defs.appendChild(marker);
    root.insertBefore(defs, root.firstChild);
    g.nodes.forEach(function (n) {
      var t = tasksById[n.id];
      var group = svg('g', { class: 'node' + (t.critical ? ' critical' : ''), 'data-task': n.id, transform: 'translate(' + n.x + ',' + n.y + ')' });
      group.appendChild(svg('rect', { width: n.width, height: n.height, fill: color(t.status) }));
      group.appendChild(svg('text', { x: 10, y: 19 }, n.id + (t.instances ? ' ×' + t.instances.length : '')));
      group.appendChild(svg('text', { x: 10, y: 35, class: 'sub' }, t.subtitle));
      group.appendChild(svg('title', {}, n.id + ': ' + t.status));
      group.addEventListener('click', function () { select(n.id); });
      root.appendChild(group);
    });
    byId('dag').appendChild(root);
  }

  function gantt() {
    var rows = [];
    var seen = {};
    data.attempts.forEach(function (a) { if (!seen[a.taskId]) { seen[a.taskId] = true; rows.push(a.taskId); } });
    var labelW = 170, chartW = 760, rowH = 22, top = 24;
    var height = top + rows.length * rowH + 8;
    var root = svg('svg', { class: 'gantt', width: labelW + chartW + 20, height: height, role: 'img', 'aria-label': 'timeline of attempts' });
    var defs = svg('defs');
    var hatch = svg('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
    hatch.appendChild(svg('rect', { width: 6, height: 6, fill: '#fff8c5' }));
    hatch.appendChild(svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#bf8700', 'stroke-width': 2 }));
    defs.appendChild(hatch);
    root.appendChild(defs);
    var x = function (t) { return labelW + (Math.max(0, t) / data.spanMs) * chartW; };
    for (var i = 0; i <= 5; i++) {
      var t = (data.spanMs * i) / 5;
      root.appendChild(svg('line', { x1: x(t), x2: x(t), y1: top - 6, y2: height, class: 'grid' }));
      root.appendChild(svg('text', { x: x(t) - (i === 5 ? 30 : 0), y: 12 }, ms(t)));
    }
    rows.forEach(function (id, r) {
      var task = tasksById[id];
      var label = svg('text', { x: 4, y: top + r * rowH + 15, class: 'row-label' + (task && task.critical ? ' critical' : ''), 'data-task': id }, id);
      label.addEventListener('click', function () { select(id); });
      root.appendChild(label);
    });
    data.attempts.forEach(function (a) {
      var y = top + rows.indexOf(a.taskId) * rowH + 3;
      var start = a.startedAt === undefined ? (a.finishedAt === undefined ? a.queuedAt : a.finishedAt) : a.startedAt;
      if (start > a.queuedAt) root.appendChild(svg('rect', { x: x(a.queuedAt), y: y + 5, width: Math.max(1, x(start) - x(a.queuedAt)), height: 6, class: 'queue' }));
      if (a.startedAt !== undefined) {
        var end = a.finishedAt === undefined ? data.spanMs : a.finishedAt;
        var bar = svg('rect', {
          x: x(a.startedAt), y: y, width: Math.max(2, x(end) - x(a.startedAt)), height: 16, rx: 3,
          fill: color(a.status === 'failed' && a.backoffMs !== undefined ? 'retrying' : a.status),
          class: 'attempt' + (a.critical ? ' critical' : ''), 'data-task': a.taskId, 'data-attempt': a.attempt,
        });
        bar.appendChild(svg('title', {}, a.taskId + ' attempt ' + a.attempt + ': ' + a.status + ' · ' + ms(end - a.startedAt) + (a.error ? ' · ' + a.error.code : '')));
        bar.addEventListener('click', function () { select(a.taskId); });
        root.appendChild(bar);
      }
      if (a.backoffSpentMs && a.finishedAt !== undefined) {
        var off = svg('rect', { x: x(a.finishedAt), y: y + 3, width: Math.max(2, x(a.finishedAt + a.backoffSpentMs) - x(a.finishedAt)), height: 10, class: 'backoff', 'data-task': a.taskId });
        off.appendChild(svg('title', {}, a.taskId + ' backing off ' + ms(a.backoffSpentMs) + ' before attempt ' + (a.attempt + 1)));
        root.appendChild(off);
      }
    });
    byId('gantt').appendChild(root);
  }

  function table(headers, rows, onClick) {
    var t = el('table');
    var head = el('tr');
    headers.forEach(function (h) { head.appendChild(el('th', {}, h)); });
    t.appendChild(el('thead')).appendChild(head);
    var body = t.appendChild(el('tbody'));
    rows.forEach(function (row) {
      var tr = el('tr', row.critical ? { class: 'critical' } : {});
      row.cells.forEach(function (c) { tr.appendChild(el('td', {}, String(c))); });
      if (onClick) tr.addEventListener('click', function () { onClick(row.id); });
      body.appendChild(tr);
    });
    return t;
  }

  function insights() {
    var ins = data.insights;
    var box = byId('insights');
    var facts = el('dl', { class: 'facts' });
    var add = function (k, v) { facts.appendChild(el('dt', {}, k)); facts.appendChild(el('dd', {}, v)); };
    add('makespan', ms(ins.makespanMs));
    add('lower bound', ms(ins.lowerBoundMs) + (ins.concurrency === undefined ? ' (critical path)' : ' (max of critical path and ' + ms(ins.totalWorkMs) + ' of work / ' + ins.concurrency + ')'));
    add('efficiency', pct(ins.efficiency));
    add('critical path', ms(ins.criticalPath.ms) + ': ' + ins.criticalPath.tasks.join(' → '));
    add('peak running', String(ins.peakRunning));
    add('retries', ins.retries.extraAttempts + ' extra attempts on ' + ins.retries.retriedTasks + ' tasks, costing ' + ms(ins.retries.costMs));
    box.appendChild(facts);
    if (ins.limits.length) {
      box.appendChild(el('h2', {}, 'What held tasks back'));
      box.appendChild(table(['limit', 'attempts held', 'held in all', 'longest', 'saturated'], ins.limits.map(function (l) {
        return { cells: [l.name, l.attemptsHeld, ms(l.totalHeldMs), ms(l.longestHeldMs), pct(l.saturation)] };
      })));
    }
    box.appendChild(el('h2', {}, 'Executors, slowest first'));
    box.appendChild(table(['executor', 'attempts', 'failures', 'mean', 'max', 'total'], ins.executors.map(function (e) {
      return { cells: [e.executor, e.attempts, e.failures, ms(e.meanRunMs), ms(e.maxRunMs), ms(e.totalRunMs)] };
    })));
    box.appendChild(el('h2', {}, 'Where each task’s time went'));
    box.appendChild(table(['task', 'executor', 'status', 'attempts', 'queued', 'running', 'back-off', 'held by'], ins.tasks.map(function (t) {
      var held = Object.keys(t.heldBy).map(function (k) { return k + ' ' + ms(t.heldBy[k]); }).join(', ');
      return { id: t.taskId, critical: t.onCriticalPath, cells: [t.taskId, t.executor, t.status, t.attempts, ms(t.queueWaitMs), ms(t.runMs), ms(t.backoffMs), held] };
    }), select));
  }

  function taskList() {
    byId('tasks').appendChild(table(['task', 'status', 'executor', 'attempts', 'duration'], data.tasks.map(function (t) {
      return { id: t.id, critical: t.critical, cells: [t.id, t.status, t.executor, t.attempts, ms(t.durationMs)] };
    }), select));
  }

  function select(id) {
    var t = tasksById[id];
    if (!t) return;
    document.querySelectorAll('.node.selected').forEach(function (n) { n.classList.remove('selected'); });
    document.querySelectorAll('.node').forEach(function (n) { if (n.getAttribute('data-task') === id) n.classList.add('selected'); });
    var box = byId('details');
    box.textContent = '';
    box.appendChild(el('h2', {}, t.id));
    var facts = el('dl', { class: 'facts' });
    var add = function (k, v) { facts.appendChild(el('dt', {}, k)); facts.appendChild(el('dd', {}, v)); };
    add('status', t.status);
    add('executor', t.executor);
    add('attempts', String(t.attempts));
    if (t.durationMs !== undefined) add('duration', ms(t.durationMs));
    if (t.critical) add('critical path', 'yes');
    if (t.skipReason) add('why', t.skipReason);
    if (t.instances) add('instances', t.instances.join(', '));
    box.appendChild(facts);
    if (t.error) {
      box.appendChild(el('h3', {}, 'Error'));
      box.appendChild(el('pre', { class: 'error' }, t.error.code + ': ' + t.error.message));
    }
    data.attempts.filter(function (a) { return a.taskId === id && a.error && a.backoffMs !== undefined; }).forEach(function (a) {
      box.appendChild(el('p', { class: 'muted' }, 'attempt ' + a.attempt + ' failed (' + a.error.code + ': ' + a.error.message + '), retried after ' + ms(a.backoffSpentMs)));
    });
    box.appendChild(el('h3', {}, 'Log tail'));
    box.appendChild(el('pre', { class: 'log' }, t.logTail.length ? t.logTail.join('\n') : '(no output)'));
  }

  header();
  dag();
  gantt();
  insights();
  taskList();
  var first = data.tasks.filter(function (t) { return t.status === 'failed'; })[0] || data.tasks[0];
  if (first) select(first.id);
})();
`;
