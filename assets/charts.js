/*
 * charts.js - draws a page's charts with Apache ECharts.
 *
 * Each chart is a hidden <div class="chart" data-src="ID"> whose data is
 * in <script type="application/json" id="ID"> (never executed), beside a
 * table with the same figures, so without JavaScript nothing is lost.
 * Loaded only on pages with charts, after echarts.min.js, under CSP
 * script-src 'self'.
 *   {"kind": "bar" | "stacked" | "line" | "pie" | "sankey",
 *    "title": "...", "categories": [...], "integer": true (counts:
 *    no fractional steps on the value axis),
 *    "series": [{"name": "...", "data": [numbers or null]}],
 *    "nodes": [...], "links": [{"source", "target", "value"}]}
 */
(function () {
	'use strict';

	function drawAll() {
		if (typeof window.echarts === 'undefined')
			return;
		var els = document.querySelectorAll('div.chart[data-src]');
		for (var i = 0; i < els.length; i++)
			draw(els[i], document.getElementById(
				els[i].getAttribute('data-src')));
	}

	function draw(el, src) {
		if (!el || !src)
			return;
		var d;
		try {
			d = JSON.parse(src.textContent);
		} catch (e) {
			return;
		}
		el.hidden = false;
		var chart = window.echarts.init(el, null, { renderer: 'svg' });
		var opt;
		if (d.kind === 'pie') {
			opt = {
				tooltip: { trigger: 'item' },
				legend: { type: 'scroll', bottom: 0 },
				series: [{ type: 'pie', radius: ['35%', '65%'],
					data: d.categories.map(function (c, i) {
						return { name: c, value: d.series[0].data[i] };
					}) }]
			};
		} else if (d.kind === 'sankey') {
			opt = {
				tooltip: { trigger: 'item' },
				series: [{ type: 'sankey', data: d.nodes, links: d.links,
					emphasis: { focus: 'adjacency' } }]
			};
		} else {
			var stacked = d.kind === 'stacked';
			var type = d.kind === 'line' ? 'line' : 'bar';
			opt = {
				tooltip: { trigger: 'axis' },
				legend: { type: 'scroll', bottom: 0 },
				grid: { containLabel: true, left: 8, right: 8, top: 16,
					bottom: 40 },
				xAxis: { type: 'category', data: d.categories,
					axisLabel: { rotate: d.categories.length > 8 ? 40 : 0 } },
				yAxis: { type: 'value', minInterval: d.integer ? 1 : 0 },
				series: d.series.map(function (s) {
					return { name: s.name, type: type, data: s.data,
						stack: stacked ? 'all' : undefined };
				})
			};
		}
		chart.setOption(opt);
		window.addEventListener('resize', function () { chart.resize(); });
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', drawAll);
	else
		drawAll();
})();
