/* kaohe 方案比较 / 方案诊断: draws each section's chart from the JSON block. No network. */
(function () {
  'use strict';
  var CHARTS = JSON.parse(document.getElementById('chart-data').textContent);
  var COLORS = ['#2f6db3', '#e08a1e', '#1b7a3a', '#8e44ad', '#b3261e', '#16a2b8', '#6b7a8f'];
  function esc(value) {
    return String(value == null ? '' : value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  CHARTS.forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el || typeof echarts === 'undefined') { return; }
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    var unit = c.percent ? '%' : '';
    chart.setOption({
      animation: false,
      color: COLORS,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 36, bottom: 70 },
      tooltip: {
        trigger: 'axis', confine: true,
        formatter: function (ps) {
          return esc(ps[0].axisValue) + ps.map(function (p) {
            return '<br>' + esc(p.seriesName) + ':' + esc(p.value == null ? '—' : (Math.round(p.value * 100) / 100) + unit);
          }).join('');
        }
      },
      xAxis: { type: 'category', data: c.categories, axisLabel: { rotate: c.categories.length > 8 ? 40 : 0, interval: 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: '{value}' + unit } },
      series: c.series.map(function (s) { return { name: s.name, type: c.type, data: s.data, connectNulls: false }; })
    });
    window.addEventListener('resize', function () { chart.resize(); });
  });
}());
