// Draws the dashboard's charts from the numbers the page embeds (json_script).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-charts").textContent);
  // Tooltips drawn in the canvas: ECharts' HTML tooltips carry style="…" attributes, which the
  // Content-Security-Policy refuses.
  var base = {
    grid: { left: 40, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: "axis", renderMode: "richText" }
  };

  function option(kind) {
    var chart = data[kind];
    if (kind === "progress") {
      return Object.assign({}, base, {
        legend: { top: 0 },
        xAxis: { type: "category", data: chart.labels },
        yAxis: { type: "value", minInterval: 1 },
        series: chart.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "all", data: s.values };
        })
      });
    }
    return Object.assign({}, base, {
      xAxis: { type: "category", data: chart.labels },
      // From 0: an axis starting near the data (77, 78, 79) makes small changes look large.
      yAxis: { type: "value", minInterval: 1, min: 0 },
      series: [{
        name: chart.name,
        type: kind === "trend" ? "line" : "bar",
        data: chart.values,
        connectNulls: false
      }]
    });
  }

  document.querySelectorAll(".insight-chart").forEach(function (element) {
    var chart = echarts.init(element);
    chart.setOption(option(element.dataset.chart));
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
