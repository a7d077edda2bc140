/*
 * charts.js - draws the statistics page's chart with Apache ECharts.
 *
 * The page carries its data in <script type="application/json"
 * id="chart-data"> (never executed) and a table with the same figures, so
 * without JavaScript nothing is lost. Loaded only on that page, after
 * echarts.min.js, under CSP script-src 'self'.
 *   {"kind": "bar" | "stacked" | "line" | "sankey",
 *    "title": "...", "categories": [...],
 *    "series": [{"name": "...", "data": [numbers or null]}],
 *    "nodes": [...], "links": [{"source", "target", "value"}]}
 */
(function () {
	'use strict';

	function draw() {
		var el = document.getElementById('chart');
		var src = document.getElementById('chart-data');
		if (!el || !src || typeof window.echarts === 'undefined')
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
		if (d.kind === 'sankey') {
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
				yAxis: { type: 'value' },
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
		document.addEventListener('DOMContentLoaded', draw);
	else
		draw();
})();
