/*
 * charts.js - draws a page's charts with Apache ECharts.
 *
 * Each chart is a hidden <div class="chart" data-src="ID"> whose data is
 * in <script type="application/json" id="ID"> (never executed), beside a
 * table with the same figures, so without JavaScript nothing is lost.
 * Loaded only on pages with charts, after echarts.min.js, under CSP
 * script-src 'self'.
 *   {"kind": "bar" | "stacked" | "line" | "pie" | "sankey",
 *    "horizontal": true (bars along the value axis, for long names),
 *    "title": "...", "categories": [...], "integer": true (counts:
 *    no fractional steps on the value axis),
 *    "series": [{"name": "...", "data": [numbers or null]}],
 *    "nodes": [...], "links": [{"source", "target", "value"}]}
 * Numbers are written in the page's language (<html lang>), as the
 * tables beside the charts write them; long category names are cut
 * with an ellipsis and read whole in the tooltip; the legend wraps
 * onto as many lines as it needs instead of paging.
 */
(function () {
	'use strict';

	var lang = document.documentElement.lang || 'en';
	var numbers, compact;
	try {
		numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
		compact = new Intl.NumberFormat(lang, { notation: 'compact',
			maximumFractionDigits: 1 });
	} catch (e) {
		numbers = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
		compact = numbers;
	}

	/* A figure as the page's language writes it; "—" for none. */
	function num(v) {
		if (v === null || v === undefined || v === '-' || isNaN(v))
			return '—';
		return numbers.format(v);
	}

	/* An axis's figure, short ("200 k", "1,5 M") for large ones. */
	function axisNum(v) {
		return Math.abs(v) >= 10000 ? compact.format(v) : num(v);
	}

	function drawAll() {
		if (typeof window.echarts === 'undefined')
			return;
		var els = document.querySelectorAll('div.chart[data-src]');
		for (var i = 0; i < els.length; i++)
			draw(els[i], document.getElementById(
				els[i].getAttribute('data-src')));
	}

	/* Width in pixels of text in the chart's font (12px sans-serif). */
	var measure = document.createElement('canvas').getContext('2d');
	function textWidth(s) {
		measure.font = '12px sans-serif';
		return measure.measureText(String(s)).width;
	}

	/*
	 * A legend laid out on as many lines as the names need at this
	 * width, and the room it takes under the chart, in pixels.
	 */
	function legend(names, width) {
		var line = 0, lines = 1, i, w;

		for (i = 0; i < names.length; i++) {
			w = 25 + 5 + textWidth(names[i]) + 10;
			if (line > 0 && line + w > width - 16) {
				lines++;
				line = 0;
			}
			line += w;
		}
		return {
			opt: { type: 'plain', bottom: 0, left: 'center',
				width: width - 16, itemGap: 10 },
			height: lines * 22 + 6
		};
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
		chart.setOption(options(el, d, el.clientWidth || 600));
		chart.resize();
		window.addEventListener('resize', function () {
			chart.setOption(options(el, d, el.clientWidth || 600));
			chart.resize();
		});
	}

	/* The chart's options at width pixels (again on each resize). */
	function options(el, d, width) {
		var opt, lg, names;
		if (d.kind === 'pie') {
			var slices = d.categories.map(function (c, i) {
				var v = d.series[0].data[i];
				/* An empty slice gets no label to pile up. */
				return { name: c, value: v, label: { show: v > 0 },
					labelLine: { show: v > 0 } };
			});
			lg = legend(d.categories, width);
			opt = {
				tooltip: { trigger: 'item', valueFormatter: num },
				legend: lg.opt,
				series: [{ type: 'pie', radius: ['35%', '65%'],
					bottom: lg.height, avoidLabelOverlap: true,
					label: { formatter: function (p) {
						return p.name + ' (' + num(p.value) + ')';
					} },
					data: slices }]
			};
		} else if (d.kind === 'sankey') {
			opt = {
				tooltip: { trigger: 'item', valueFormatter: num },
				series: [{ type: 'sankey', data: d.nodes, links: d.links,
					emphasis: { focus: 'adjacency' } }]
			};
		} else {
			var stacked = d.kind === 'stacked';
			var type = d.kind === 'line' ? 'line' : 'bar';
			var horizontal = d.horizontal === true && type === 'bar';
			var cat = { type: 'category', data: d.categories,
				axisLabel: { width: Math.max(80, Math.round(width *
					(horizontal ? 0.35 : 0.9) /
					(horizontal ? 1 : Math.max(1, d.categories.length)))),
					overflow: 'truncate', hideOverlap: !horizontal,
					rotate: !horizontal && d.categories.length > 8 ? 40 : 0 } };
			var val = { type: 'value', minInterval: d.integer ? 1 : 0,
				axisLabel: { formatter: axisNum,
				hideOverlap: true } };
			names = d.series.map(function (s) { return s.name; });
			lg = legend(names, width);
			if (horizontal) {
				cat.inverse = true;
				/* A bar per series per category, all readable. */
				el.style.height = Math.max(240, d.categories.length *
					Math.max(1, stacked ? 1 : d.series.length) * 16 +
					d.categories.length * 16 + 40 + lg.height) + 'px';
			}
			opt = {
				tooltip: { trigger: 'axis', valueFormatter: num,
					confine: true },
				legend: lg.opt,
				grid: { containLabel: true, left: 8, right: 16, top: 16,
					bottom: lg.height + 8 },
				xAxis: horizontal ? val : cat,
				yAxis: horizontal ? cat : val,
				series: d.series.map(function (s) {
					return { name: s.name, type: type, data: s.data,
						stack: stacked ? 'all' : undefined };
				})
			};
		}
		return opt;
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', drawAll);
	else
		drawAll();
})();
