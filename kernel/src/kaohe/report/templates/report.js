/* kaohe 通报: views switched by the address's hash, charts drawn when their view is first shown.
   Runs from file:// with no network. Every text put into a tooltip is escaped here. */
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');
  var DATA = JSON.parse(document.getElementById('chart-data').textContent);
  var COLORS = ['#2f6db3', '#e08a1e', '#1b7a3a', '#8e44ad', '#b3261e', '#16a2b8', '#6b7a8f'];
  var charts = [];
  var baseTitle = document.title;

  function esc(value) {
    return String(value == null ? '' : value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function base() {
    return {
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      color: COLORS,
      tooltip: { confine: true }
    };
  }

  function spreadOption() {
    var names = DATA.series.map(function (s) { return s.name; });
    var points = [], means = [], marks = [];
    DATA.series.forEach(function (s, i) {
      s.units.forEach(function (u) {
        points.push({ value: [u.total, i], name: u.name, text: u.text, rank: u.rank, anchor: u.anchor, series: s.name });
      });
      means.push({ value: [s.mean, i], text: s.meanText, series: s.name });
      if (s.passMark !== null) { marks.push({ value: [s.passMark, i], text: s.passMarkText, series: s.name }); }
    });
    var o = base();
    o.grid = { left: 10, right: 24, top: 28, bottom: 24, containLabel: true };
    o.legend = { top: 0, right: 10, data: ['单位总分', '序列平均分'].concat(marks.length ? ['达标分值'] : []) };
    o.xAxis = { type: 'value', scale: true, splitLine: { lineStyle: { type: 'dashed' } } };
    o.yAxis = { type: 'category', data: names, inverse: true, axisTick: { show: false } };
    o.tooltip.trigger = 'item';
    o.tooltip.formatter = function (p) {
      var d = p.data;
      if (p.seriesName === '单位总分') {
        return esc(d.name) + '<br>' + esc(d.series) + ' 第' + esc(d.rank) + '名<br>总分 ' + esc(d.text);
      }
      return esc(d.series) + '<br>' + esc(p.seriesName) + ' ' + esc(d.text);
    };
    o.series = [
      { name: '单位总分', type: 'scatter', data: points, symbolSize: 13, itemStyle: { opacity: 0.8 }, cursor: 'pointer' },
      { name: '序列平均分', type: 'scatter', data: means, symbol: 'diamond', symbolSize: 16, itemStyle: { color: '#e08a1e' }, z: 3 }
    ];
    if (marks.length) {
      o.series.push({ name: '达标分值', type: 'scatter', data: marks, symbol: 'rect', symbolSize: [3, 24], itemStyle: { color: '#b3261e' } });
    }
    return o;
  }

  function monthsOption(u) {
    var o = base();
    o.grid = { left: 10, right: 18, top: 34, bottom: 10, containLabel: true };
    o.legend = { top: 0, data: [u.name, u.series + '平均'] };
    o.xAxis = { type: 'category', data: u.months.map(function (m) { return m.label; }), boundaryGap: false };
    o.yAxis = { type: 'value', scale: true, splitLine: { lineStyle: { type: 'dashed' } } };
    o.tooltip.trigger = 'axis';
    o.tooltip.formatter = function (ps) {
      var i = ps.length ? ps[0].dataIndex : 0, m = u.months[i];
      return esc(m.period) + '<br>' + esc(u.name) + ' ' + esc(m.text === null ? '无结果' : m.text) +
        '<br>' + esc(u.series) + '平均 ' + esc(m.meanText === null ? '—' : m.meanText);
    };
    o.series = [
      { name: u.name, type: 'line', data: u.months.map(function (m) { return m.total; }), symbolSize: 7, connectNulls: false, lineStyle: { width: 2.5 } },
      { name: u.series + '平均', type: 'line', data: u.months.map(function (m) { return m.mean; }), symbol: 'none', lineStyle: { type: 'dashed', width: 1.5 } }
    ];
    return o;
  }

  function categoriesOption(u) {
    var cats = u.categories;
    var o = base();
    o.grid = { left: 10, right: 18, top: 34, bottom: 10, containLabel: true };
    o.legend = { top: 0, data: [u.name, '序列平均', '序列最高'] };
    o.yAxis = { type: 'category', data: cats.map(function (c) { return c.name; }), inverse: true, axisTick: { show: false } };
    o.xAxis = { type: 'value', splitLine: { lineStyle: { type: 'dashed' } } };
    o.tooltip.trigger = 'axis';
    o.tooltip.axisPointer = { type: 'shadow' };
    o.tooltip.formatter = function (ps) {
      var c = cats[ps.length ? ps[0].dataIndex : 0];
      return esc(c.name) + '<br>' + esc(u.name) + ' ' + esc(c.text) + '<br>序列平均 ' + esc(c.meanText) + '<br>序列最高 ' + esc(c.topText);
    };
    o.series = [
      { name: u.name, type: 'bar', data: cats.map(function (c) { return c.score; }), barGap: '10%', barCategoryGap: '30%' },
      { name: '序列平均', type: 'bar', data: cats.map(function (c) { return c.mean; }), itemStyle: { color: '#b8c4d3' } },
      { name: '序列最高', type: 'bar', data: cats.map(function (c) { return c.top; }), itemStyle: { color: '#e5b474' } }
    ];
    return o;
  }

  function draw(view) {
    if (typeof echarts === 'undefined') { return; }
    view.querySelectorAll('.chart[data-chart]').forEach(function (el) {
      if (el.getAttribute('data-drawn')) { return; }
      var kind = el.getAttribute('data-chart');
      var option = null;
      if (kind === 'spread') { option = spreadOption(); }
      else {
        var u = DATA.units[el.getAttribute('data-unit')];
        if (!u) { return; }
        option = kind === 'months' ? monthsOption(u) : categoriesOption(u);
      }
      var chart = echarts.init(el, null, { renderer: 'svg' });
      chart.setOption(option);
      if (kind === 'spread') {
        chart.on('click', function (p) { if (p.data && p.data.anchor) { location.hash = p.data.anchor; } });
      }
      el.setAttribute('data-drawn', kind);
      charts.push(chart);
    });
  }

  function openTo(el) {
    for (var n = el; n; n = n.parentElement) {
      if (n.tagName === 'DETAILS') { n.open = true; }
    }
  }

  function route() {
    var id = '';
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = ''; }
    var target = id ? document.getElementById(id) : null;
    var view = target ? (target.classList.contains('view') ? target : target.closest('.view')) : null;
    if (!view) { view = document.getElementById('ranking'); }
    document.querySelectorAll('.view').forEach(function (v) { v.classList.toggle('active', v === view); });
    document.querySelectorAll('.sidebar a').forEach(function (a) {
      a.classList.toggle('active', a.getAttribute('href') === '#' + view.id);
    });
    draw(view);
    charts.forEach(function (c) { if (c.getDom().offsetWidth) { c.resize(); } });
    if (target && target !== view) {
      openTo(target);
      target.scrollIntoView({ block: 'start' });
    } else {
      window.scrollTo(0, 0);
    }
    var title = view.getAttribute('aria-label');
    document.title = view.id === 'ranking' ? baseTitle : title + ' — ' + baseTitle;
  }

  document.querySelectorAll('.toggle-all').forEach(function (b) {
    b.addEventListener('click', function () {
      var view = b.closest('.view');
      var all = view.querySelectorAll('details.category, details.item');
      var open = b.getAttribute('data-open') !== '1';
      all.forEach(function (d) { d.open = open; });
      b.setAttribute('data-open', open ? '1' : '0');
      b.textContent = open ? '全部收起' : '全部展开';
    });
  });

  // Printing a unit prints its whole explanation: categories and items open, charts at page width.
  var reopened = [];
  window.addEventListener('beforeprint', function () {
    var view = document.querySelector('.view.active');
    reopened = [];
    if (view) {
      view.querySelectorAll('details.category, details.item').forEach(function (d) {
        if (!d.open) { d.open = true; reopened.push(d); }
      });
    }
    charts.forEach(function (c) { if (c.getDom().offsetWidth) { c.resize(); } });
  });
  window.addEventListener('afterprint', function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
    charts.forEach(function (c) { if (c.getDom().offsetWidth) { c.resize(); } });
  });
  window.addEventListener('resize', function () {
    charts.forEach(function (c) { if (c.getDom().offsetWidth) { c.resize(); } });
  });
  window.addEventListener('hashchange', route);
  route();
}());
