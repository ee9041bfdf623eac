// The inline stylesheet and script of the HTML report. The script is plain browser JavaScript (no
// build step, no library): it reads the embedded JSON, builds the page with textContent only, draws
// metric charts as SVG and the space-time diagram on a canvas with zoom, pan, hover and click.

/** The report's stylesheet (system fonts only: the page loads nothing). */
export const PAGE_CSS = String.raw`
:root { --ok: #15803d; --bad: #b91c1c; --warn: #a16207; --mal: #7e22ce; --ink: #1f2937; --mute: #6b7280;
  --line: #e5e7eb; --bg: #f9fafb; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
body { margin: 0; background: var(--bg); }
main { max-width: 1400px; margin: 0 auto; padding: 0 20px 40px; }
.banner { padding: 18px 20px; color: #fff; margin: 0 0 16px; }
.banner h1 { margin: 0 auto; max-width: 1400px; font-size: 22px; font-weight: 600; }
.banner p { margin: 4px auto 0; max-width: 1400px; opacity: .9; font-size: 13px; }
.v-conforms { background: var(--ok); } .v-violated { background: var(--bad); }
.v-threshold-missed { background: var(--warn); } .v-malformed { background: var(--mal); }
section.trace { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 16px 0; }
section.trace h2 { font-size: 17px; margin: 0 0 4px; word-break: break-all; }
h3 { font-size: 14px; margin: 18px 0 6px; color: #374151; text-transform: uppercase; letter-spacing: .04em; }
.facts { color: var(--mute); font-size: 13px; margin: 0 0 8px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; margin-left: 8px; vertical-align: 2px; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--mute); font-weight: 500; }
td:first-child { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.s-holds, .s-met { color: var(--ok); } .s-violated, .s-missed { color: var(--bad); font-weight: 600; }
.s-skipped, .s-no-data { color: var(--mute); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.violation { border-left: 4px solid var(--bad); background: #fef2f2; padding: 8px 12px; margin: 8px 0; }
.violation p { margin: 0 0 6px; }
.window { list-style: none; padding: 0; margin: 0; }
.window li { padding: 2px 0; cursor: pointer; }
.window li:hover { background: #fee2e2; }
.window .ln { color: var(--bad); display: inline-block; min-width: 88px; }
.errors { background: #faf5ff; border-left: 4px solid var(--mal); padding: 8px 12px; white-space: pre-wrap; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { border: 1px solid var(--line); border-radius: 6px; padding: 6px; background: #fff; }
.chart .title { font-size: 12px; color: #374151; margin: 0 0 2px; }
.diagram { margin-top: 6px; }
.toolbar { display: flex; gap: 6px; align-items: center; margin: 4px 0; font-size: 12px; flex-wrap: wrap; }
.toolbar button { font: inherit; padding: 3px 10px; border: 1px solid #d1d5db; background: #fff; border-radius: 4px; cursor: pointer; }
.toolbar button:hover { background: #f3f4f6; }
.toolbar .range { color: var(--mute); margin-left: 8px; }
.legend { display: flex; gap: 12px; font-size: 12px; color: var(--mute); flex-wrap: wrap; margin: 2px 0 4px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
.stage { display: flex; position: relative; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; background: #fff; }
.lanes { position: relative; width: 96px; flex: none; border-right: 1px solid var(--line); background: #f9fafb; }
.lane { position: absolute; left: 0; right: 6px; text-align: right; font-size: 12px; font-weight: 600;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; transform: translateY(-50%); }
.stage canvas { display: block; flex: 1; min-width: 0; cursor: crosshair; outline: none; }
.stage canvas.dragging { cursor: grabbing; }
.tip { position: absolute; pointer-events: none; background: rgba(17,24,39,.92); color: #fff; padding: 4px 8px;
  border-radius: 4px; font-size: 12px; white-space: pre; z-index: 2; max-width: 600px; overflow: hidden; }
.detail { background: #f3f4f6; padding: 6px 10px; border-radius: 4px; margin: 6px 0 0; white-space: pre-wrap; word-break: break-all; }
.note { color: var(--mute); font-size: 12px; }
details pre { background: #f3f4f6; padding: 6px; overflow: auto; max-height: 300px; }
`;

/** The report's script. No template placeholders or backticks inside: it is embedded verbatim. */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var payload = JSON.parse(document.getElementById('synod-data').textContent);
  var data = payload.result;
  var text = payload.text;
  var app = document.getElementById('app');
  var VERDICT = { conforms: 'conforms', violated: 'safety violated', 'threshold-missed': 'threshold missed', malformed: 'malformed' };
  var KIND = { s: 'send', r: 'recv', d: 'decide', c: 'crash', R: 'restart', t: 'timer', v: 'state', p: 'persist',
    g: 'reconfig', i: 'invoke', o: 'ok', f: 'fail', n: 'info' };
  var SVGNS = 'http://www.w3.org/2000/svg';
  window.__synodDiagrams = [];

  function h(tag, props, children) {
    var e = document.createElement(tag);
    if (props) {
      for (var k in props) {
        if (!Object.prototype.hasOwnProperty.call(props, k) || props[k] == null) continue;
        if (k === 'text') e.textContent = String(props[k]);
        else if (k === 'cls') e.className = props[k];
        else e.setAttribute(k, String(props[k]));
      }
    }
    if (children) {
      for (var i = 0; i < children.length; i++) {
        var c = children[i];
        if (c == null) continue;
        e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
      }
    }
    return e;
  }
  function svg(tag, attrs, label) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (label != null) e.textContent = String(label);
    return e;
  }
  function fmtNum(n, d) {
    if (!isFinite(n)) return String(n);
    var x = n.toFixed(d);
    return x.indexOf('.') >= 0 ? x.replace(/\.?0+$/, '') : x;
  }
  function fmtMs(ms) {
    if (!isFinite(ms)) return String(ms);
    var a = Math.abs(ms);
    if (a < 10) return fmtNum(ms, 2) + 'ms';
    if (a < 1000) return Math.round(ms) + 'ms';
    if (a < 60000) return fmtNum(ms / 1000, 1) + 's';
    if (a < 3600000) return fmtNum(ms / 60000, 1) + 'min';
    return fmtNum(ms / 3600000, 1) + 'h';
  }
  function fmtValue(v, unit) {
    if (unit === 'ms') return fmtMs(v);
    if (unit === 'ratio') return fmtNum(v, 3);
    return fmtNum(v, 2);
  }
  function fmtCount(n) { return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function mark(v) { return v === 'conforms' ? '\u2713' : '\u2717'; }
  function table(head, rows, numeric) {
    var tr = h('tr', null, head.map(function (x, i) { return h('th', { text: x, cls: numeric && numeric[i] ? 'num' : null }); }));
    var body = rows.map(function (r) {
      return h('tr', null, r.map(function (c, i) {
        var td = h('td', { cls: numeric && numeric[i] ? 'num' : null });
        if (c && typeof c === 'object') { td.textContent = c.text; if (c.cls) td.className += ' ' + c.cls; }
        else td.textContent = c == null ? '' : String(c);
        return td;
      }));
    });
    return h('table', null, [h('thead', null, [tr]), h('tbody', null, body)]);
  }

  // ---- banner and summary -------------------------------------------------------------------
  var bad = data.traces.filter(function (t) { return t.verdict !== 'conforms'; }).length;
  document.title = 'synod conform: ' + VERDICT[data.verdict];
  var banner = h('header', { cls: 'banner v-' + data.verdict, id: 'verdict', 'data-verdict': data.verdict }, [
    h('h1', { text: mark(data.verdict) + ' ' + VERDICT[data.verdict] }),
    h('p', { text: (data.traces.length === 1 ? '1 trace' : (data.verdict === 'conforms' ? data.traces.length + ' traces' : bad + ' of ' + data.traces.length + ' traces')) +
      ' \u00b7 exit ' + data.exitCode + ' \u00b7 ' + data.tool.name + ' ' + data.tool.version + (data.startedAt ? ' \u00b7 ' + data.startedAt : '') })
  ]);
  document.body.insertBefore(banner, app);
  if (data.traces.length > 1) {
    var sumRows = data.traces.map(function (t, i) {
      var a = h('a', { href: '#trace-' + i, text: t.source });
      return [{ text: mark(t.verdict) + ' ' + VERDICT[t.verdict], cls: t.verdict === 'conforms' ? 's-holds' : 's-violated' }, a,
        fmtCount(t.events), text.invariants[i], text.thresholds[i]];
    });
    var sum = table(['verdict', 'trace', 'events', 'invariants', 'thresholds'], [], [0, 0, 1, 0, 0]);
    var tb = sum.querySelector('tbody');
    sumRows.forEach(function (r) {
      var tr = h('tr');
      r.forEach(function (c, j) {
        var td = h('td', { cls: j === 2 ? 'num' : null });
        if (c instanceof Node) td.appendChild(c);
        else if (typeof c === 'object') { td.textContent = c.text; td.className = c.cls; }
        else td.textContent = c;
        tr.appendChild(td);
      });
      tb.appendChild(tr);
    });
    app.appendChild(h('section', { cls: 'trace', id: 'summary' }, [h('h2', { text: 'Traces' }), sum]));
  }

  // ---- one section per trace ----------------------------------------------------------------
  data.traces.forEach(function (t, ti) {
    var sec = h('section', { cls: 'trace', id: 'trace-' + ti, 'data-verdict': t.verdict });
    app.appendChild(sec);
    var title = h('h2', { text: t.source }, [h('span', { cls: 'badge v-' + t.verdict, text: mark(t.verdict) + ' ' + VERDICT[t.verdict] })]);
    sec.appendChild(title);
    sec.appendChild(h('p', { cls: 'facts', text: text.facts[ti] }));

    if (t.errors.length > 0) {
      sec.appendChild(h('h3', { text: 'Errors' }));
      sec.appendChild(h('pre', { cls: 'errors', text: text.errors[ti].join('\n') }));
    }
    if (t.invariants.length > 0) {
      sec.appendChild(h('h3', { text: 'Invariants' }));
      sec.appendChild(table(['status', 'invariant', 'checks', 'description', 'note'], t.invariants.map(function (inv) {
        var st = inv.status === 'holds' ? '\u2713 holds' : inv.status === 'violated' ? '\u2717 violated' : '\u2013 skipped';
        var note = inv.status === 'violated' ? (inv.violations || 1) + ' violation' + ((inv.violations || 1) === 1 ? '' : 's') :
          inv.status === 'skipped' ? (inv.reason || '') : '';
        return [{ text: st, cls: 's-' + inv.status }, { text: inv.name, cls: 'mono' }, fmtCount(inv.checks), inv.description, note];
      }), [0, 0, 1, 0, 0]));
    }
    var wins = text.windows[ti] || [];
    var highlight = {};
    var diagramApi = null;
    wins.forEach(function (win, wi) {
      if (wi === 0) win.lines.forEach(function (w) { highlight[w.line] = true; });
      var box = h('div', { cls: 'violation', 'data-role': 'violation' });
      box.appendChild(h('p', null, [h('strong', { text: 'Violation of ' + win.invariant + ': ' }), win.message]));
      var list = h('ul', { cls: 'window mono' });
      win.lines.forEach(function (w) {
        var li = h('li', { 'data-line': w.line, title: 'Show in the diagram' }, [h('span', { cls: 'ln', text: 'line ' + w.line }), w.text]);
        li.addEventListener('click', function () { if (diagramApi) diagramApi.focusLine(w.line); });
        list.appendChild(li);
      });
      box.appendChild(list);
      var det = h('details', null, [h('summary', { text: 'events as JSON' }), h('pre', { text: win.json })]);
      box.appendChild(det);
      sec.appendChild(box);
    });
    if (t.metrics.length > 0) {
      sec.appendChild(h('h3', { text: 'Metrics' }));
      sec.appendChild(table(['metric', 'p50', 'p95', 'p99', 'max', 'count / value', 'description'], t.metrics.map(function (m) {
        var f = function (v) { return fmtValue(v, m.unit); };
        if (m.stats) return [{ text: m.name, cls: 'mono' }, f(m.stats.p50), f(m.stats.p95), f(m.stats.p99), f(m.stats.max),
          m.value == null ? 'n=' + fmtCount(m.stats.count) : f(m.value), m.description];
        if (m.value != null) return [{ text: m.name, cls: 'mono' }, '', '', '', '', f(m.value), m.description];
        return [{ text: m.name, cls: 'mono' }, '', '', '', '', { text: m.reason || 'no data', cls: 's-skipped' }, m.description];
      }), [0, 1, 1, 1, 1, 1, 0]));
      var charts = h('div', { cls: 'charts' });
      t.metrics.forEach(function (m) { var c = chart(m); if (c) charts.appendChild(c); });
      if (charts.childNodes.length > 0) sec.appendChild(charts);
    }
    if (t.thresholds.length > 0) {
      sec.appendChild(h('h3', { text: 'Thresholds' }));
      sec.appendChild(table(['status', 'threshold', 'actual'], t.thresholds.map(function (th, k) {
        var st = th.status === 'met' ? '\u2713 met' : th.status === 'missed' ? '\u2717 missed' : '\u2013 no data';
        return [{ text: st, cls: 's-' + th.status }, { text: text.thresholdRules[ti][k].rule, cls: 'mono' }, text.thresholdRules[ti][k].actual];
      }), [0, 0, 1]));
    }
    sec.appendChild(h('h3', { text: 'Space-time diagram' }));
    if (t.timeline) diagramApi = diagram(sec, t.timeline, highlight, ti);
    else sec.appendChild(h('p', { cls: 'note', text: 'No timeline in this result (it is collected when the HTML report is asked for).' }));
  });
  window.__synodDiagram = window.__synodDiagrams[0] || null;

  // ---- metric charts ------------------------------------------------------------------------
  function chart(m) {
    var W = 420, H = 170, ml = 56, mr = 10, mt = 8, mb = 24;
    var root = h('div', { cls: 'chart', 'data-metric': m.name });
    root.appendChild(h('p', { cls: 'title mono', text: m.name }));
    var g = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    g.appendChild(svg('title', {}, m.description));
    var pw = W - ml - mr, ph = H - mt - mb;
    if (m.series && m.series.length > 1) {
      var xs = m.series.map(function (p) { return p[0]; }), ys = m.series.map(function (p) { return p[1]; });
      var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
      var y0 = Math.min(0, Math.min.apply(null, ys)), y1 = Math.max.apply(null, ys);
      if (x1 === x0) x1 = x0 + 1;
      if (y1 === y0) y1 = y0 + 1;
      var pts = m.series.map(function (p) {
        return (ml + (p[0] - x0) / (x1 - x0) * pw).toFixed(1) + ',' + (mt + ph - (p[1] - y0) / (y1 - y0) * ph).toFixed(1);
      }).join(' ');
      g.appendChild(svg('line', { x1: ml, y1: mt + ph, x2: ml + pw, y2: mt + ph, stroke: '#9ca3af' }));
      g.appendChild(svg('line', { x1: ml, y1: mt, x2: ml, y2: mt + ph, stroke: '#9ca3af' }));
      g.appendChild(svg('polyline', { points: pts, fill: 'none', stroke: '#2563eb', 'stroke-width': 1.5 }));
      g.appendChild(svg('text', { x: ml - 4, y: mt + 10, 'text-anchor': 'end', 'font-size': 10, fill: '#6b7280' }, fmtValue(y1, m.unit)));
      g.appendChild(svg('text', { x: ml - 4, y: mt + ph, 'text-anchor': 'end', 'font-size': 10, fill: '#6b7280' }, fmtValue(y0, m.unit)));
      g.appendChild(svg('text', { x: ml, y: H - 6, 'font-size': 10, fill: '#6b7280' }, fmtNum(x0, 2)));
      g.appendChild(svg('text', { x: ml + pw, y: H - 6, 'text-anchor': 'end', 'font-size': 10, fill: '#6b7280' }, fmtNum(x1, 2)));
      g.appendChild(svg('text', { x: ml + pw / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 10, fill: '#6b7280' }, m.series.length + ' points'));
    } else if (m.stats && m.stats.count > 0) {
      var qs = [['p50', m.stats.p50], ['p95', m.stats.p95], ['p99', m.stats.p99], ['max', m.stats.max]];
      var top = m.stats.max > 0 ? m.stats.max : 1;
      var bh = ph / qs.length;
      qs.forEach(function (q, k) {
        var y = mt + k * bh;
        var w = Math.max(1, (q[1] / top) * (pw - 60));
        g.appendChild(svg('text', { x: ml - 6, y: y + bh / 2 + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#374151' }, q[0]));
        g.appendChild(svg('rect', { x: ml, y: y + 4, width: w, height: bh - 8, fill: k === 3 ? '#f59e0b' : '#60a5fa', rx: 2 }));
        g.appendChild(svg('text', { x: ml + w + 4, y: y + bh / 2 + 4, 'font-size': 11, fill: '#374151' }, fmtValue(q[1], m.unit)));
      });
    } else return null;
    root.appendChild(g);
    return root;
  }

  // ---- the space-time diagram ---------------------------------------------------------------
  function diagram(sec, tl, highlight, ti) {
    var nodes = tl.nodes, rows = tl.events, n = rows.length, lanesN = nodes.length;
    var T = new Float64Array(n), N = new Int32Array(n), P = new Int32Array(n), L = new Float64Array(n);
    var K = new Array(n), mate = new Int32Array(n), hi = new Uint8Array(n);
    var i, k;
    var hiCount = 0, hiMin = Infinity, hiMax = -Infinity, tmin = Infinity, tmax = -Infinity;
    for (i = 0; i < n; i++) {
      var r = rows[i];
      T[i] = r[0]; N[i] = r[1]; K[i] = r[2]; P[i] = r[3]; L[i] = r[4]; mate[i] = -1;
      if (r[0] < tmin) tmin = r[0];
      if (r[0] > tmax) tmax = r[0];
      if (highlight[r[4]] === true) { hi[i] = 1; hiCount++; if (r[0] < hiMin) hiMin = r[0]; if (r[0] > hiMax) hiMax = r[0]; }
    }
    tl.faults.forEach(function (f) { if (f[0] < tmin) tmin = f[0]; if (f[1] > tmax) tmax = f[1]; });
    if (!isFinite(tmin)) { tmin = 0; tmax = 1; }
    if (tmax === tmin) { tmin -= 1; tmax += 1; }
    // Pair each recv with the oldest unmatched send of the same sender, receiver and label.
    var queues = new Map();
    for (i = 0; i < n; i++) {
      if (K[i] === 's' && P[i] >= 0) {
        var ks = N[i] + '>' + P[i] + '|' + rows[i][5];
        var q = queues.get(ks);
        if (!q) { q = { a: [], h: 0 }; queues.set(ks, q); }
        q.a.push(i);
      } else if (K[i] === 'r' && P[i] >= 0) {
        var qr = queues.get(P[i] + '>' + N[i] + '|' + rows[i][5]);
        if (qr && qr.h < qr.a.length) { var j = qr.a[qr.h++]; mate[i] = j; mate[j] = i; }
      }
    }
    queues = null;
    // Per lane, its events sorted by time, for hit testing.
    var byLane = [];
    for (k = 0; k < lanesN; k++) byLane.push([]);
    for (i = 0; i < n; i++) if (N[i] >= 0 && N[i] < lanesN) byLane[N[i]].push(i);
    byLane = byLane.map(function (a) {
      var sorted = true;
      for (var x = 1; x < a.length; x++) if (T[a[x]] < T[a[x - 1]]) { sorted = false; break; }
      var arr = Int32Array.from(a);
      if (!sorted) arr.sort(function (p, q2) { return T[p] - T[q2] || p - q2; });
      return arr;
    });

    var laneH = lanesN > 16 ? 22 : lanesN > 8 ? 28 : 40, top = 26, bottom = 10;
    var height = top + lanesN * laneH + bottom;
    var root = h('div', { cls: 'diagram', id: 'diagram-' + ti, 'data-trace': ti, 'data-lanes': lanesN, 'data-events': n });
    var bIn = h('button', { type: 'button', 'data-action': 'zoom-in', text: 'Zoom in', title: 'Zoom in (+ or wheel)' });
    var bOut = h('button', { type: 'button', 'data-action': 'zoom-out', text: 'Zoom out', title: 'Zoom out (- or wheel)' });
    var bLeft = h('button', { type: 'button', 'data-action': 'pan-left', text: '\u2190', title: 'Pan left (\u2190 or drag)' });
    var bRight = h('button', { type: 'button', 'data-action': 'pan-right', text: '\u2192', title: 'Pan right (\u2192 or drag)' });
    var bFit = h('button', { type: 'button', 'data-action': 'fit', text: 'Fit', title: 'Show everything (0)' });
    var bViol = hiCount > 0 ? h('button', { type: 'button', 'data-action': 'violation', text: 'Show violation' }) : null;
    var range = h('span', { cls: 'range mono' });
    root.appendChild(h('div', { cls: 'toolbar' }, [bIn, bOut, bLeft, bRight, bFit, bViol, range]));
    var legend = h('div', { cls: 'legend' });
    [['#64748b', 'message'], ['#16a34a', 'decide'], ['#dc2626', 'crash'], ['#2563eb', 'restart'], ['#a855f7', 'client'],
      ['rgba(245,158,11,.35)', 'fault'], ['rgba(220,38,38,.25)', 'violation window']].forEach(function (x) {
      legend.appendChild(h('span', null, [h('i', { style: 'background:' + x[0] }), x[1]]));
    });
    root.appendChild(legend);
    var labels = h('div', { cls: 'lanes', style: 'height:' + height + 'px' });
    nodes.forEach(function (name, li) {
      labels.appendChild(h('div', { cls: 'lane mono', 'data-lane': name, title: name, text: name, style: 'top:' + (top + (li + 0.5) * laneH) + 'px' }));
    });
    var canvas = h('canvas', { tabindex: '0', 'data-role': 'diagram-canvas', 'aria-label': 'space-time diagram' });
    canvas.style.height = height + 'px';
    var tip = h('div', { cls: 'tip mono' });
    tip.style.display = 'none';
    var stage = h('div', { cls: 'stage' }, [labels, canvas, tip]);
    root.appendChild(stage);
    var detail = h('pre', { cls: 'detail', 'data-role': 'detail', text: 'Hover or click an event to see its line. Drag to pan, wheel to zoom.' });
    root.appendChild(detail);
    if (tl.truncated) root.appendChild(h('p', { cls: 'note', text: 'The trace has more events than the diagram keeps: only the first ' + fmtCount(n) + ' are drawn.' }));
    sec.appendChild(root);

    var ctx = canvas.getContext('2d');
    var W = 0, dpr = 1, x0 = tmin, x1 = tmax, selected = -1, hover = -1, pending = false;
    var pad = (tmax - tmin) * 0.02;
    x0 = tmin - pad; x1 = tmax + pad;
    var occ = new Uint8Array(0);
    var api = {
      lanes: nodes.slice(), events: n, drawn: 0, arrows: 0, highlighted: 0, highlightedLines: [], frames: 0,
      truncated: tl.truncated, clock: tl.clock,
      view: function () { return { x0: x0, x1: x1, width: W }; },
      position: function (line) {
        for (var q3 = 0; q3 < n; q3++) if (L[q3] === line) return { x: X(T[q3]), y: laneY(N[q3]), index: q3 };
        return null;
      },
      focusLine: function (line) {
        var p = api.position(line);
        if (!p) return;
        var span = Math.max((x1 - x0) / 8, (hiMax - hiMin) * 2, 1e-6);
        setView(T[p.index] - span / 2, T[p.index] + span / 2);
        selected = p.index; showDetail(p.index);
      },
      zoom: function (f) { zoomAt(W / 2, f); },
      fit: function () { setView(tmin - pad, tmax + pad); }
    };
    for (i = 0; i < n; i++) if (hi[i]) api.highlightedLines.push(L[i]);
    window.__synodDiagrams[ti] = api;
    if (ti === 0 || !window.__synodDiagram) window.__synodDiagram = api;

    function X(t) { return (t - x0) / (x1 - x0) * W; }
    function laneY(k2) { return top + (k2 + 0.5) * laneH; }
    function setView(a, b) {
      var minSpan = Math.max((tmax - tmin) * 1e-7, 1e-6);
      if (b - a < minSpan) { var c = (a + b) / 2; a = c - minSpan / 2; b = c + minSpan / 2; }
      x0 = a; x1 = b; schedule();
    }
    function zoomAt(px, f) {
      var t = x0 + px / W * (x1 - x0);
      setView(t - (t - x0) * f, t + (x1 - t) * f);
    }
    function pan(dpx) { var dt = dpx / W * (x1 - x0); setView(x0 - dt, x1 - dt); }
    function schedule() {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; draw(); });
    }
    function resize() {
      dpr = window.devicePixelRatio || 1;
      W = Math.max(100, canvas.clientWidth);
      canvas.width = Math.round(W * dpr);
      canvas.height = Math.round(height * dpr);
      occ = new Uint8Array(Math.ceil(W + 2) * lanesN);
      draw();
    }
    function fmtT(t) { return tl.clock === 'time' ? fmtMs(t) : '#' + fmtNum(t, 1); }
    // Axis labels precise enough that neighbouring ticks differ.
    function fmtTick(t, step) {
      if (tl.clock !== 'time') return '#' + fmtNum(t, Math.max(0, Math.ceil(-Math.log10(step))));
      if (step >= 60000) return fmtMs(t);
      if (step >= 1 && Math.abs(t) >= 1000) return fmtNum(t / 1000, Math.max(0, Math.ceil(-Math.log10(step / 1000)))) + 's';
      return fmtNum(t, Math.max(0, Math.ceil(-Math.log10(step)))) + 'ms';
    }
    function niceStep(span, px) {
      var raw = span / Math.max(1, px / 110);
      var p10 = Math.pow(10, Math.floor(Math.log10(raw)));
      var m = raw / p10;
      return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p10;
    }
    function draw() {
      api.frames++;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, W, height);
      var yEnd = top + lanesN * laneH;
      // lanes
      for (var l = 0; l < lanesN; l++) {
        if (l % 2 === 1) { ctx.fillStyle = '#fafafa'; ctx.fillRect(0, top + l * laneH, W, laneH); }
        ctx.strokeStyle = '#d1d5db'; ctx.lineWidth = 1;
        ctx.beginPath(); ctx.moveTo(0, Math.round(laneY(l)) + 0.5); ctx.lineTo(W, Math.round(laneY(l)) + 0.5); ctx.stroke();
      }
      // time axis
      var step = niceStep(x1 - x0, W);
      ctx.fillStyle = '#6b7280'; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center';
      ctx.strokeStyle = '#eef0f3';
      for (var tk = Math.ceil(x0 / step) * step, guard = 0; tk <= x1 && guard < 200; tk += step, guard++) {
        var xt = Math.round(X(tk)) + 0.5;
        ctx.beginPath(); ctx.moveTo(xt, top - 4); ctx.lineTo(xt, yEnd); ctx.stroke();
        ctx.fillText(fmtTick(tk, step), xt, 14);
      }
      // faults
      tl.faults.forEach(function (f) {
        var a = X(f[0]), b = Math.max(X(f[1]), a + 2);
        if (b < 0 || a > W) return;
        ctx.fillStyle = 'rgba(245,158,11,0.16)';
        if (f[3].length === 0) ctx.fillRect(a, top, b - a, yEnd - top);
        else f[3].forEach(function (nk) { ctx.fillRect(a, top + nk * laneH + 2, b - a, laneH - 4); });
        ctx.fillStyle = '#b45309'; ctx.textAlign = 'left';
        ctx.fillText(f[2], Math.max(a, 0) + 3, top + 10);
      });
      // violation window
      if (hiCount > 0) {
        var va = X(hiMin) - 6, vb = X(hiMax) + 6;
        if (vb >= 0 && va <= W) {
          ctx.fillStyle = 'rgba(220,38,38,0.10)'; ctx.fillRect(va, top, vb - va, yEnd - top);
          ctx.strokeStyle = 'rgba(220,38,38,0.6)'; ctx.setLineDash([4, 3]);
          ctx.strokeRect(va + 0.5, top + 0.5, vb - va - 1, yEnd - top - 1); ctx.setLineDash([]);
          ctx.fillStyle = '#b91c1c'; ctx.textAlign = 'left'; ctx.fillText('violation', Math.max(va, 0) + 3, yEnd - 4);
        }
      }
      // arrows
      var visibleArrows = 0, drawn = 0, hiDrawn = 0;
      var margin = (x1 - x0) * 0.01;
      for (i = 0; i < n; i++) if (K[i] === 's' && mate[i] >= 0) {
        var ta = T[i], tb = T[mate[i]];
        if ((ta < tb ? ta : tb) <= x1 && (ta > tb ? ta : tb) >= x0) visibleArrows++;
      }
      var dense = visibleArrows > 3000;
      ctx.lineWidth = 1;
      ctx.strokeStyle = dense ? 'rgba(100,116,139,0.25)' : 'rgba(100,116,139,0.8)';
      ctx.beginPath();
      var heads = [];
      for (i = 0; i < n; i++) {
        if (K[i] !== 's') continue;
        var m2 = mate[i];
        if (m2 < 0) {
          if (dense || P[i] < 0 || T[i] < x0 || T[i] > x1) continue;
          // a send never received: a short stub toward the peer
          var sx = X(T[i]), sy = laneY(N[i]), ty = laneY(P[i]);
          var dy = (ty - sy) * 0.25;
          ctx.moveTo(sx, sy); ctx.lineTo(sx + 14, sy + dy);
          ctx.moveTo(sx + 11, sy + dy - 3); ctx.lineTo(sx + 17, sy + dy + 3);
          ctx.moveTo(sx + 17, sy + dy - 3); ctx.lineTo(sx + 11, sy + dy + 3);
          continue;
        }
        var t1 = T[i], t2 = T[m2];
        if ((t1 < t2 ? t1 : t2) > x1 || (t1 > t2 ? t1 : t2) < x0) continue;
        if (hi[i] || hi[m2]) continue;
        var ax = X(t1), ay = laneY(N[i]), bx = X(t2), by = laneY(N[m2]);
        ctx.moveTo(ax, ay); ctx.lineTo(bx, by);
        if (!dense) heads.push(ax, ay, bx, by);
      }
      ctx.stroke();
      ctx.fillStyle = 'rgba(100,116,139,0.9)';
      for (k = 0; k < heads.length; k += 4) arrowHead(heads[k], heads[k + 1], heads[k + 2], heads[k + 3], 6);
      // highlighted arrows
      ctx.strokeStyle = '#dc2626'; ctx.fillStyle = '#dc2626'; ctx.lineWidth = 2;
      for (i = 0; i < n; i++) {
        if (K[i] !== 's' || mate[i] < 0 || !(hi[i] || hi[mate[i]])) continue;
        var hx = X(T[i]), hy = laneY(N[i]), gx = X(T[mate[i]]), gy = laneY(N[mate[i]]);
        ctx.beginPath(); ctx.moveTo(hx, hy); ctx.lineTo(gx, gy); ctx.stroke();
        arrowHead(hx, hy, gx, gy, 8);
      }
      // markers
      occ.fill(0);
      var cols = Math.ceil(W + 2);
      var visible = 0;
      for (i = 0; i < n; i++) if (T[i] >= x0 - margin && T[i] <= x1 + margin) visible++;
      var few = visible <= 4000;
      for (i = 0; i < n; i++) {
        var t = T[i];
        if (t < x0 - margin || t > x1 + margin) continue;
        drawn++;
        var x = X(t), y = laneY(N[i]), kd = K[i];
        if (hi[i]) continue;
        var special = kd === 'd' || kd === 'c' || kd === 'R';
        if (few || (special && kd !== 'd')) {
          if (kd === 'd') { ctx.fillStyle = '#16a34a'; diamond(x, y, 6); continue; }
          if (kd === 'c') { ctx.strokeStyle = '#dc2626'; ctx.lineWidth = 2.5; cross(x, y, 6); continue; }
          if (kd === 'R') { ctx.fillStyle = '#2563eb'; triangle(x, y, 7); continue; }
        }
        if (special) {
          // Too many decides to draw one by one: a tick above the lane per pixel column.
          var dc = x | 0, dcell = N[i] * cols + dc;
          if (dc < 0 || dc >= cols || (occ[dcell] & 2)) continue;
          occ[dcell] |= 2;
          ctx.fillStyle = '#16a34a'; ctx.fillRect(dc, y - laneH * 0.4, 1, laneH * 0.25);
          continue;
        }
        if (few) {
          ctx.fillStyle = kd === 's' || kd === 'r' ? '#475569' : kd === 'i' || kd === 'o' || kd === 'f' || kd === 'n' ? '#a855f7' : '#9ca3af';
          ctx.beginPath(); ctx.arc(x, y, kd === 's' || kd === 'r' ? 2.5 : 2, 0, 6.2832); ctx.fill();
        } else {
          var col = x | 0, cell = N[i] * cols + col;
          if (col < 0 || col >= cols || (occ[cell] & 1)) continue;
          occ[cell] |= 1;
          ctx.fillStyle = '#64748b'; ctx.fillRect(col, y - 3, 1, 6);
        }
      }
      // highlighted events last, on top
      for (i = 0; i < n; i++) {
        if (!hi[i] || T[i] < x0 - margin || T[i] > x1 + margin) continue;
        hiDrawn++;
        var hx2 = X(T[i]), hy2 = laneY(N[i]);
        ctx.beginPath(); ctx.arc(hx2, hy2, 9, 0, 6.2832); ctx.fillStyle = 'rgba(220,38,38,0.25)'; ctx.fill();
        ctx.beginPath(); ctx.arc(hx2, hy2, 5, 0, 6.2832); ctx.fillStyle = '#dc2626'; ctx.fill();
        ctx.lineWidth = 1.5; ctx.strokeStyle = '#7f1d1d'; ctx.stroke();
      }
      [selected, hover].forEach(function (s, z) {
        if (s < 0 || T[s] < x0 || T[s] > x1) return;
        ctx.beginPath(); ctx.arc(X(T[s]), laneY(N[s]), z === 0 ? 10 : 8, 0, 6.2832);
        ctx.lineWidth = 2; ctx.strokeStyle = z === 0 ? '#111827' : '#2563eb'; ctx.stroke();
      });
      api.drawn = drawn; api.arrows = visibleArrows; api.highlighted = hiDrawn;
      root.setAttribute('data-drawn', String(drawn));
      root.setAttribute('data-highlighted', String(hiDrawn));
      range.textContent = fmtT(x0) + ' \u2013 ' + fmtT(x1) + ' \u00b7 ' + fmtCount(drawn) + ' of ' + fmtCount(n) + ' events in view';
    }
    function arrowHead(ax, ay, bx, by, s) {
      var ang = Math.atan2(by - ay, bx - ax);
      ctx.beginPath();
      ctx.moveTo(bx, by);
      ctx.lineTo(bx - s * Math.cos(ang - 0.4), by - s * Math.sin(ang - 0.4));
      ctx.lineTo(bx - s * Math.cos(ang + 0.4), by - s * Math.sin(ang + 0.4));
      ctx.closePath(); ctx.fill();
    }
    function diamond(x, y, s) { ctx.beginPath(); ctx.moveTo(x, y - s); ctx.lineTo(x + s, y); ctx.lineTo(x, y + s); ctx.lineTo(x - s, y); ctx.closePath(); ctx.fill(); }
    function cross(x, y, s) { ctx.beginPath(); ctx.moveTo(x - s, y - s); ctx.lineTo(x + s, y + s); ctx.moveTo(x + s, y - s); ctx.lineTo(x - s, y + s); ctx.stroke(); }
    function triangle(x, y, s) { ctx.beginPath(); ctx.moveTo(x, y - s); ctx.lineTo(x + s, y + s * 0.8); ctx.lineTo(x - s, y + s * 0.8); ctx.closePath(); ctx.fill(); }

    function eventText(e) {
      var kind = KIND[K[e]] || K[e];
      var who = nodes[N[e]];
      if (K[e] === 's' && P[e] >= 0) who += ' \u2192 ' + nodes[P[e]];
      else if (K[e] === 'r' && P[e] >= 0) who += ' \u2190 ' + nodes[P[e]];
      var s = 'line ' + L[e] + '  ' + fmtT(T[e]) + '  ' + who + '  ' + kind + ': ' + rows[e][5];
      if (mate[e] >= 0) s += '\n' + (K[e] === 's' ? 'received' : 'sent') + ' at line ' + L[mate[e]] + ' (' + fmtT(T[mate[e]]) + ')';
      else if (K[e] === 's') s += '\n' + 'no matching recv in the trace';
      if (hi[e]) s += '\n' + 'in the violation window';
      return s;
    }
    function showDetail(e) { detail.textContent = eventText(e); detail.setAttribute('data-line', String(L[e])); schedule(); }
    function hit(mx, my) {
      var lane = Math.floor((my - top) / laneH);
      if (lane < 0 || lane >= lanesN) return -1;
      var arr = byLane[lane], tq = x0 + mx / W * (x1 - x0);
      var lo = 0, hi2 = arr.length;
      while (lo < hi2) { var mid = (lo + hi2) >> 1; if (T[arr[mid]] < tq) lo = mid + 1; else hi2 = mid; }
      var best = -1, bd = 8;
      for (var z = Math.max(0, lo - 6); z < Math.min(arr.length, lo + 6); z++) {
        var d = Math.abs(X(T[arr[z]]) - mx);
        if (d < bd || (d === bd && hi[arr[z]])) { bd = d; best = arr[z]; }
      }
      return best;
    }
    function local(ev) { var r2 = canvas.getBoundingClientRect(); return { x: ev.clientX - r2.left, y: ev.clientY - r2.top }; }
    var drag = null;
    canvas.addEventListener('wheel', function (ev) {
      ev.preventDefault();
      var p = local(ev);
      zoomAt(p.x, Math.exp(Math.max(-3, Math.min(3, ev.deltaY * 0.002))));
    }, { passive: false });
    canvas.addEventListener('mousedown', function (ev) {
      var p = local(ev);
      drag = { x: p.x, last: p.x, moved: false };
      canvas.classList.add('dragging');
    });
    window.addEventListener('mouseup', function (ev) {
      if (!drag) return;
      var d = drag; drag = null; canvas.classList.remove('dragging');
      if (!d.moved && ev.target === canvas) {
        var p = local(ev), e = hit(p.x, p.y);
        selected = e;
        if (e >= 0) showDetail(e); else schedule();
      }
    });
    canvas.addEventListener('mousemove', function (ev) {
      var p = local(ev);
      if (drag) {
        if (Math.abs(p.x - drag.x) > 3) drag.moved = true;
        if (drag.moved) { pan(p.x - drag.last); drag.last = p.x; }
        tip.style.display = 'none';
        return;
      }
      var e = hit(p.x, p.y);
      if (e !== hover) { hover = e; schedule(); }
      if (e >= 0) {
        tip.textContent = eventText(e);
        tip.style.display = 'block';
        var left = p.x + 96 + 14;
        tip.style.left = Math.min(left, Math.max(0, stage.clientWidth - tip.offsetWidth - 4)) + 'px';
        tip.style.top = Math.min(p.y + 14, height - tip.offsetHeight - 2) + 'px';
      } else tip.style.display = 'none';
    });
    canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; if (hover >= 0) { hover = -1; schedule(); } });
    canvas.addEventListener('keydown', function (ev) {
      if (ev.key === '+' || ev.key === '=') zoomAt(W / 2, 0.6);
      else if (ev.key === '-') zoomAt(W / 2, 1 / 0.6);
      else if (ev.key === '0') api.fit();
      else if (ev.key === 'ArrowLeft') pan(W / 5);
      else if (ev.key === 'ArrowRight') pan(-W / 5);
      else return;
      ev.preventDefault();
    });
    bIn.addEventListener('click', function () { zoomAt(W / 2, 0.5); });
    bOut.addEventListener('click', function () { zoomAt(W / 2, 2); });
    bLeft.addEventListener('click', function () { pan(W / 3); });
    bRight.addEventListener('click', function () { pan(-W / 3); });
    bFit.addEventListener('click', function () { api.fit(); });
    if (bViol) bViol.addEventListener('click', function () {
      var span = Math.max(hiMax - hiMin, (tmax - tmin) * 0.005, 1e-6);
      setView(hiMin - span * 0.5, hiMax + span * 0.5);
    });
    window.addEventListener('resize', resize);
    resize();
    return api;
  }
})();
`;
