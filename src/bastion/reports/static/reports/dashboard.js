/*
 * Dashboard charts (issue 12): a trend line and bars by sub-region drawn with ECharts from
 * the JSON the dashboard serves, and an auto refresh of every figure on the page.
 * Load after vendor/echarts/echarts.min.js. Reads data attributes of #dashboard:
 *   data-figures-src  {"as_of": "...", "figures": {"code": 12, ...}}
 *   data-trend-src    {"name", "unit", "days": [...], "values": [...]}
 *   data-children-src {"name", "unit", "rows": [{"code", "name", "value", "url"}]}
 *   data-refresh      seconds between refreshes (0 = a past date: never)
 *   data-theme        "dark" on the big screen
 */
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      });
  }

  function textColor(dark) { return dark ? "#e6eef8" : "#1f2328"; }

  function drawTrend(chart, data, dark) {
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.days.map(function (d) { return d.slice(5); }),
               axisLabel: { color: textColor(dark) } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: textColor(dark) },
               name: data.unit, nameTextStyle: { color: textColor(dark) } },
      series: [{ type: "line", name: data.name, data: data.values, smooth: false, symbolSize: 6,
                 itemStyle: { color: dark ? "#ffd166" : "#b3261e" }, areaStyle: { opacity: 0.12 } }],
    }, true);
  }

  function drawBars(chart, data, dark) {
    var rows = data.rows || [];
    chart.setOption({
      animation: false,
      grid: { left: 110, right: 24, top: 16, bottom: 24 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: textColor(dark) } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
               axisLabel: { color: textColor(dark), width: 100, overflow: "truncate" } },
      series: [{ type: "bar", name: data.name, data: rows.map(function (r) { return r.value; }),
                 itemStyle: { color: dark ? "#4aa3ff" : "#0b5cad" },
                 label: { show: true, position: "right", color: textColor(dark) } }],
    }, true);
    chart.off("click");
    chart.on("click", function (p) {
      var row = rows[p.dataIndex];
      if (row && row.url) { window.location.href = row.url; }
    });
  }

  function chartFor(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return null; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function init() {
    var root = document.getElementById("dashboard");
    if (!root) { return; }
    var dark = root.dataset.theme === "dark";
    var trend = chartFor("dash-trend");
    var bars = chartFor("dash-bars");

    function charts() {
      if (trend) { getJSON(root.dataset.trendSrc).then(function (d) { drawTrend(trend, d, dark); }).catch(function () {}); }
      if (bars) { getJSON(root.dataset.childrenSrc).then(function (d) { drawBars(bars, d, dark); }).catch(function () {}); }
    }

    function figures() {
      return getJSON(root.dataset.figuresSrc).then(function (d) {
        document.querySelectorAll("[data-code]").forEach(function (el) {
          var v = d.figures[el.dataset.code];
          if (v !== undefined) { el.textContent = v === null ? "—" : String(v); }
        });
        var stamp = document.getElementById("dash-as-of");
        if (stamp) { stamp.textContent = d.as_of; }
      }).catch(function () {});
    }

    charts();
    var every = parseInt(root.dataset.refresh || "0", 10);
    if (every > 0) {
      setInterval(function () { figures(); charts(); }, every * 1000);
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
