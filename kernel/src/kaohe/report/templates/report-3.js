/* Page layout 3: an item's facts, seed sentence and lines are drawn from the block "lines-data" when
   its unit's page is shown or the item opened, as layout 2 wrote them in the markup. The block is JSON
   compressed with gzip, in base64: read once, when the page is loaded (DecompressionStream). Every
   text is put in with textContent: nothing from the data is read as markup. */
(function () {
  'use strict';
  var source = document.getElementById('lines-data');
  if (!source) { return; }
  var BLOCK = null;
  var FAILED = false;
  var NO_BLOCK = '本浏览器无法显示逐条记录(需支持 DecompressionStream 的浏览器,如 Chrome 80、Firefox 113、Safari 16.4 及以上版本):请查看同一文件夹中的通报 XLSX 文件,每条记录一行。';

  function load() {
    if (typeof DecompressionStream === 'undefined' || typeof Blob === 'undefined' || !Blob.prototype.stream) {
      return Promise.reject(new Error('no DecompressionStream'));
    }
    var text = atob(source.textContent.trim());
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(JSON.parse);
  }

  function s(i) { return i < 0 ? null : BLOCK.s[i]; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }

  function add(parent, child) { parent.appendChild(child); return child; }

  function monthDay(date) {
    var p = date.split('-');
    return parseInt(p[1], 10) + '月' + parseInt(p[2], 10) + '日';
  }

  function head(parent, pts, reason, tag, cls) {
    var box = add(parent, el(tag, cls));
    var c = pts.charAt(0) === '-' ? 'minus' : (pts.charAt(0) === '+' ? 'plus' : '');
    add(box, el('span', 'pts ' + c, pts));
    add(box, el('span', 'reason', reason));
    return box;
  }

  function facts(dl, pairs) {
    pairs.forEach(function (p) {
      if (p[1] === null) { return; }
      add(dl, el('dt', null, p[0]));
      add(dl, el('dd', p[2] || null, p[1]));
    });
  }

  function line(ol, ln) {
    var li = add(ol, el('li', ln[0] === 1 ? 'folded' : (ln[0] === 0 ? 'plain' : null)));
    var pts = s(ln[1]);
    if (ln[0] === 0) { head(li, pts, s(ln[2]), 'div', 'line'); return; }
    if (ln[0] === 1) {
      var fold = head(li, pts, s(ln[2]), 'div', 'fold');
      if (ln[3]) { add(fold, el('span', 'flag carried', '含沿用上期')); }
      return;
    }
    var record = s(ln[3]), missing = s(ln[5]), date = s(ln[6]), note = s(ln[8]);
    var reason = ln[2] < 0 ? monthDay(date) + ' ' + (note === null ? '' : note) : s(ln[2]);
    var details = add(li, el('details', 'record'));
    var summary = head(details, pts, reason, 'summary', null);
    if (ln[4]) { add(summary, el('span', 'flag carried', '沿用上期')); }
    if (missing !== null) { add(summary, el('span', 'flag missing', '数据缺失')); }
    var dl = add(details, el('dl', 'record-detail'));
    var pairs = [['记录编号', record, 'record-key']];
    if (date !== null) {
      var from = s(ln[10]);
      if (ln[11] >= 0) { from += ' · 工作表 ' + s(ln[11]); }
      if (ln[12] >= 0) { from += ' · 第' + s(ln[12]) + '行'; }
      if (ln[13] >= 0) { from += ' · 第' + s(ln[13]) + '版(已更正)'; }
      pairs.push(['记录日期', date], ['报送部门', s(ln[7])], ['记录说明', note, 'record-note'], ['数值', s(ln[9])], ['来源', from]);
    }
    if (ln[4]) { pairs.push(['说明', '本期数据未报送,沿用上期数据']); }
    if (missing !== null) { pairs.push(['数据缺失', '缺少 ' + missing + ' 的数据,该项暂不计分']); }
    facts(dl, pairs);
  }

  var NUMBER = null;

  function number(item) {
    if (NUMBER === null) {
      NUMBER = new Map();
      document.querySelectorAll('details.item').forEach(function (d, i) { NUMBER.set(d, i); });
    }
    return NUMBER.get(item);
  }

  function fill(item) {
    if (item.getAttribute('data-drawn')) { return; }
    var ol = item.querySelector('ol.lines') || add(item, el('ol', 'lines'));
    if (BLOCK === null) {
      if (FAILED) {
        add(add(ol, el('li', 'plain')), el('div', 'line no-block', NO_BLOCK));
        item.setAttribute('data-drawn', 'failed');
      }
      return;  // drawn when the block is read
    }
    var entry = BLOCK.i[number(item)];
    if (!entry) { return; }
    var f = BLOCK.f[entry[0]];
    var meta = item.querySelector('summary .i-meta');
    var ref = s(f[1]);
    meta.textContent = s(f[3]) + ' · 依据' + (ref.charAt(0) === '《' ? '' : ' ') + ref + ' · ' + meta.textContent;
    if (entry[1] >= 0) {
      var quote = el('blockquote', 'seed', s(entry[1]));
      add(quote, el('cite', null, s(f[1])));
      item.insertBefore(quote, item.querySelector('summary').nextSibling);
    }
    var dl = el('dl', 'item-facts');
    facts(dl, [['考核项目', s(f[0])], ['依据', s(f[1]), 'reference'], ['计分期', s(f[2])]]);
    item.insertBefore(dl, ol);
    for (var i = 2; i < entry.length; i++) { line(ol, entry[i]); }
    item.setAttribute('data-drawn', '1');
  }

  document.addEventListener('toggle', function (e) {
    var t = e.target;
    if (t.tagName === 'DETAILS' && t.open && t.classList.contains('item')) { fill(t); }
  }, true);
  // A unit's page shown (or printed): every item's lines drawn, so that they print and the browser's
  // search finds them; an item opened elsewhere (without the script's views): its own lines.
  function fillView() {
    var view = document.querySelector('.view.active');
    if (view) { view.querySelectorAll('details.item').forEach(fill); }
    document.querySelectorAll('details.item[open]').forEach(fill);
  }
  load().then(function (value) { BLOCK = value; }, function () { FAILED = true; }).then(function () {
    fillView();
    document.documentElement.setAttribute('data-lines', FAILED ? 'failed' : 'ready');
  });
  window.addEventListener('hashchange', fillView);
  window.addEventListener('beforeprint', fillView);
}());
