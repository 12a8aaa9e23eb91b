/*
 * Bastion grid map: a choropleth of regions drawn from their own GeoJSON polygons with
 * ECharts (no tile server, no external map). Load after vendor/echarts/echarts.min.js.
 *
 *   <div class="gridmap" data-gridmap-src="{% url 'app:coverage_map_data' %}?region=..."
 *        data-gridmap-refresh="60" data-gridmap-empty="暂无网格边界" style="height:420px"></div>
 *
 * The URL answers JSON (scoped by the view like any other read):
 *   {"unit": "%", "min": 0, "max": 100, "value_label": "覆盖率",
 *    "regions": [{"code": "430121001001001", "name": "松雅第一网格",
 *                 "boundary": {"type": "Polygon", "coordinates": [...]} | null,
 *                 "value": 87.5 | null, "url": "/campaigns/...?region=..." | null,
 *                 "label": "87.5%（35/40户）"}]}
 * Regions without a boundary are left out of the map (list them in a table beside it).
 * Clicking a region opens its `url` (drill-down). `data-gridmap-refresh` reloads every N s.
 */
(function () {
  "use strict";

  function featureCollection(regions) {
    return {
      type: "FeatureCollection",
      features: regions
        .filter(function (r) { return r.boundary && r.boundary.type === "Polygon"; })
        .map(function (r) {
          return { type: "Feature", properties: { name: r.code }, geometry: r.boundary };
        }),
    };
  }

  function render(el, chart, payload) {
    var regions = payload.regions || [];
    var byCode = {};
    regions.forEach(function (r) { byCode[r.code] = r; });
    var fc = featureCollection(regions);
    if (!fc.features.length) {
      chart.clear();
      el.setAttribute("data-gridmap-state", "empty");
      el.querySelector(".gridmap-empty") || el.insertAdjacentHTML(
        "beforeend",
        '<p class="gridmap-empty muted">' + (el.dataset.gridmapEmpty || "—") + "</p>"
      );
      return;
    }
    var mapName = "bastion-" + (el.id || "map") + "-" + fc.features.length;
    window.echarts.registerMap(mapName, fc);
    var values = regions.map(function (r) { return r.value; })
      .filter(function (v) { return typeof v === "number"; });
    var min = typeof payload.min === "number" ? payload.min : Math.min.apply(null, values.concat([0]));
    var max = typeof payload.max === "number" ? payload.max : Math.max.apply(null, values.concat([1]));
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var r = byCode[p.name] || {};
          var text = r.label || (typeof r.value === "number" ? r.value + (payload.unit || "") : "—");
          return (r.name || p.name) + "<br>" + (payload.value_label || "") + " " + text;
        },
      },
      visualMap: {
        min: min, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
        inRange: { color: ["#fde8e4", "#f6a58f", "#d9462b", "#8f1d0e"] },
        text: [String(max) + (payload.unit || ""), String(min) + (payload.unit || "")],
      },
      series: [{
        type: "map", map: mapName, roam: true, nameProperty: "name",
        emphasis: { label: { show: false } }, selectedMode: false,
        itemStyle: { borderColor: "#fff", borderWidth: 1, areaColor: "#eeeeee" },
        data: regions.map(function (r) { return { name: r.code, value: r.value }; }),
      }],
    }, true);
    el.setAttribute("data-gridmap-state", "ready");
    chart.off("click");
    chart.on("click", function (p) {
      var r = byCode[p.name];
      if (r && r.url) { window.location.href = r.url; }
    });
  }

  function load(el, chart) {
    return fetch(el.dataset.gridmapSrc, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (payload) { render(el, chart, payload); })
      .catch(function () { el.setAttribute("data-gridmap-state", "error"); });
  }

  function init(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("[data-gridmap-src]").forEach(function (el) {
      if (el.__gridmap) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      el.__gridmap = chart;
      load(el, chart);
      var every = parseInt(el.dataset.gridmapRefresh || "0", 10);
      if (every > 0) { setInterval(function () { load(el, chart); }, every * 1000); }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  window.BastionGridMap = { init: init };
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
