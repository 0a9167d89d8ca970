/**
 * The stylesheet and the script report.html carries inline: no font, image, script or style comes from anywhere else,
 * so the file opens the same offline, from a CI artifact or an e-mail attachment.
 */

export const REPORT_CSS = `
:root { --passed: #2e7d32; --failed: #c62828; --skipped: #757575; --expected-fail: #b26a00; --unexpected-pass: #8e24aa;
  --flaky: #0277bd; --bg-passed: #e8f5e9; --bg-failed: #ffebee; --bg-skipped: #f0f0f0; --bg-expected-fail: #fff3e0;
  --bg-unexpected-pass: #f3e5f5; --bg-flaky: #e1f5fe; --line: #d0d0d0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; padding: 16px 24px 48px;
  max-width: 1500px; color: #1d1d1d; background: #fff; }
h1 { font-size: 22px; margin: 4px 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
pre { white-space: pre-wrap; word-break: break-word; background: #f7f7f7; border: 1px solid #e4e4e4; padding: 6px 8px;
  margin: 4px 0; max-height: 360px; overflow: auto; }
.verdict { display: inline-block; padding: 4px 14px; border-radius: 4px; color: #fff; font-weight: 700; letter-spacing: .04em; }
.verdict.pass { background: var(--passed); } .verdict.fail { background: var(--failed); }
.chips { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 6px; }
.chip { border-radius: 12px; padding: 2px 10px; border: 1px solid var(--line); background: #fafafa; }
.chip b { margin-right: 4px; }
.st-passed { --c: var(--passed); --b: var(--bg-passed); } .st-failed { --c: var(--failed); --b: var(--bg-failed); }
.st-skipped { --c: var(--skipped); --b: var(--bg-skipped); } .st-expected-fail { --c: var(--expected-fail); --b: var(--bg-expected-fail); }
.st-unexpected-pass { --c: var(--unexpected-pass); --b: var(--bg-unexpected-pass); } .st-flaky { --c: var(--flaky); --b: var(--bg-flaky); }
.chip[class*="st-"], .badge { border-color: var(--c); background: var(--b); color: var(--c); }
.badge { display: inline-block; min-width: 92px; text-align: center; border: 1px solid; border-radius: 3px; padding: 0 4px;
  font-size: 12px; font-weight: 600; }
table { border-collapse: collapse; }
table.matrix { font-size: 13px; }
.matrix th, .matrix td { border: 1px solid var(--line); padding: 3px 6px; }
.matrix thead th { background: #f4f4f4; position: sticky; top: 0; }
.matrix th.row { text-align: left; font-weight: 500; white-space: nowrap; }
.matrix td.cell { background: var(--b, #fff); border-left: 4px solid var(--c, var(--line)); min-width: 120px; cursor: pointer;
  white-space: nowrap; }
.matrix td.cell:hover, .matrix td.cell:focus { outline: 2px solid #333; outline-offset: -2px; }
.matrix td.empty { background: #fcfcfc; color: #bbb; text-align: center; }
.matrix td.total { font-weight: 600; }
.n { margin-right: 6px; } .n.st-passed, .n.st-failed, .n.st-skipped, .n.st-expected-fail, .n.st-unexpected-pass, .n.st-flaky { color: var(--c); }
.bar { display: flex; height: 4px; margin-top: 2px; background: #eee; } .bar span { background: var(--c); }
.legend { margin: 6px 0; color: #555; font-size: 12.5px; } .legend span { margin-right: 12px; }
.env th { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; color: #555; font-weight: 500; white-space: nowrap; }
.env td { padding: 2px 0; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; position: sticky; top: 0;
  background: #fff; padding: 6px 0; z-index: 2; border-bottom: 1px solid #eee; }
.controls label { border: 1px solid var(--c, var(--line)); background: var(--b, #fafafa); border-radius: 12px; padding: 1px 8px;
  cursor: pointer; user-select: none; }
.controls input[type=search] { min-width: 320px; padding: 3px 6px; }
.scope { background: #fffde7; border: 1px solid #e6dc8a; border-radius: 3px; padding: 1px 8px; }
.case { border-bottom: 1px solid #eee; padding: 2px 0; }
.case > summary { cursor: pointer; list-style-position: outside; }
.case > summary .id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; margin-left: 6px; }
.case > summary .msg { color: #555; margin-left: 8px; font-size: 12.5px; }
.case .body { padding: 4px 0 8px 24px; }
.case .body dt { font-weight: 600; color: #444; margin-top: 4px; } .case .body dd { margin: 0 0 0 0; }
.entry { border: 1px solid #e6e6e6; border-left: 4px solid var(--c, var(--line)); padding: 6px 10px; margin: 8px 0; }
.entry .pattern { font-weight: 600; } .entry .why { margin: 2px 0; } .entry .meta { color: #666; font-size: 12.5px; }
.muted { color: #777; } .more { margin: 8px 0; }
button { font: inherit; padding: 2px 10px; cursor: pointer; }
@media print { .controls { position: static; } }
`;

/**
 * The case browser: reads the cases from the JSON block (never from HTML), builds every node with textContent, renders
 * a page of cases at a time and a case's details only when it is opened, so 3,000+ cases stay quick.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var t0 = performance.now();
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var cases = data.cases, exps = data.expectations, statuses = data.statuses;
  var PAGE = 200;
  var state = { on: {}, text: '', scope: null, shown: PAGE };
  statuses.forEach(function (s) { state.on[s] = true; });
  var list = document.getElementById('case-list');
  var info = document.getElementById('case-info');
  var scopeEl = document.getElementById('case-scope');

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function firstLine(m) {
    var l = (m || '').split('\\n')[0];
    return l.length > 160 ? l.slice(0, 159) + '\\u2026' : l;
  }
  function matches(c) {
    if (!state.on[c.s]) return false;
    var sc = state.scope;
    if (sc && ((sc.o !== undefined && c.o !== sc.o) || (sc.p !== undefined && c.p !== sc.p) ||
        (sc.u !== undefined && c.u !== sc.u) || (sc.v !== undefined && (c.v || '') !== sc.v) ||
        (sc.e !== undefined && c.e !== sc.e))) return false;
    if (state.text) {
      var hay = (c.i + ' ' + c.t + ' ' + (c.m || '')).toLowerCase();
      if (hay.indexOf(state.text) < 0) return false;
    }
    return true;
  }
  function field(dl, name, node) {
    dl.appendChild(el('dt', null, name));
    var dd = el('dd');
    if (typeof node === 'string') dd.appendChild(el('span', null, node)); else dd.appendChild(node);
    dl.appendChild(dd);
  }
  function details(c) {
    var dl = el('dl');
    field(dl, 'title', c.t);
    field(dl, 'operation / provider / suite', c.o + ' \\u00b7 ' + c.p + ' \\u00b7 ' + c.u + (c.v ? ' \\u00b7 variant ' + c.v : ''));
    if (c.f) field(dl, 'file', el('code', null, c.f));
    field(dl, 'duration', c.d + ' ms' + (c.a ? ', started ' + c.a : ''));
    if (c.b) field(dl, 'observed this time', c.b);
    if (c.m) field(dl, 'message', el('pre', null, c.m));
    if (c.r) {
      var r = c.r;
      field(dl, 'failed request', el('pre', null, r.opcode + ' to ' + r.provider + (r.status ? ' \\u2192 ' + r.status : ' \\u2192 no answer') + (r.summary ? '\\n' + r.summary : '')));
    }
    if (c.e !== undefined) {
      var x = exps[c.e];
      field(dl, 'expectation entry', el('pre', null, x.outcome + '  ' + x.case + '\\n' + x.reason + (x.evidence ? '\\nevidence: ' + x.evidence : '') + (x.link ? '\\nlink: ' + x.link : '') + '\\nfrom ' + x.source));
    }
    if (c.x) field(dl, 'observations', el('pre', null, JSON.stringify(c.x, null, 2)));
    if (c.l && c.l.length) field(dl, 'service log (' + c.l.length + ' lines in this case\\u2019s time span)', el('pre', null, c.l.join('\\n')));
    else if (c.l) field(dl, 'service log', el('span', 'muted', 'no lines in this case\\u2019s time span'));
    return dl;
  }
  function row(c) {
    var d = el('details', 'case');
    var sm = el('summary');
    sm.appendChild(el('span', 'badge st-' + c.s, c.s));
    sm.appendChild(el('span', 'id', c.i));
    if (c.m && c.s !== 'passed') sm.appendChild(el('span', 'msg', firstLine(c.m)));
    d.appendChild(sm);
    d.addEventListener('toggle', function () {
      if (d.open && !d.dataset.filled) { var b = el('div', 'body'); b.appendChild(details(c)); d.appendChild(b); d.dataset.filled = '1'; }
    });
    return d;
  }
  function render() {
    var hits = cases.filter(matches);
    list.textContent = '';
    var frag = document.createDocumentFragment();
    hits.slice(0, state.shown).forEach(function (c) { frag.appendChild(row(c)); });
    list.appendChild(frag);
    info.textContent = hits.length + ' of ' + cases.length + ' cases' + (hits.length > state.shown ? ', showing the first ' + state.shown : '');
    var more = document.getElementById('case-more');
    more.hidden = hits.length <= state.shown;
    more.textContent = 'show ' + Math.min(PAGE, hits.length - state.shown) + ' more';
    scopeEl.hidden = !state.scope;
    if (state.scope) scopeEl.firstChild.textContent = 'only ' + state.scope.label + ' ';
  }
  document.querySelectorAll('#case-status input').forEach(function (box) {
    box.addEventListener('change', function () { state.on[box.value] = box.checked; state.shown = PAGE; render(); });
  });
  document.getElementById('case-text').addEventListener('input', function (ev) {
    state.text = ev.target.value.trim().toLowerCase(); state.shown = PAGE; render();
  });
  document.getElementById('case-more').addEventListener('click', function () { state.shown += PAGE; render(); });
  document.getElementById('case-unscope').addEventListener('click', function () { state.scope = null; state.shown = PAGE; render(); });
  function scopeTo(node) {
    var ds = node.dataset, sc = { label: ds.label };
    if (ds.o !== undefined) sc.o = ds.o; if (ds.p !== undefined) sc.p = ds.p; if (ds.u !== undefined) sc.u = ds.u;
    if (ds.v !== undefined) sc.v = ds.v; if (ds.e !== undefined) sc.e = Number(ds.e);
    state.scope = sc; state.shown = PAGE; render();
    document.getElementById('cases').scrollIntoView();
  }
  document.querySelectorAll('[data-label]').forEach(function (node) {
    node.addEventListener('click', function () { scopeTo(node); });
    node.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); scopeTo(node); } });
  });
  render();
  document.body.dataset.renderedMs = String(Math.round(performance.now() - t0));
})();
`;
