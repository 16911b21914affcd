/* Draw the dashboard charts from the JSON the page carries (ECharts from our own static files). */
(function () {
  "use strict";
  var holder = document.getElementById("chart-data");
  if (!holder || typeof echarts === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var names = Object.keys(data.series);
  var daily = echarts.init(document.getElementById("chart-daily"));
  daily.setOption({
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 60 },
    xAxis: { type: "category", data: data.days.map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: names.map(function (name) {
      return { name: name, type: "bar", stack: "all", data: data.series[name] };
    })
  });
  var topics = echarts.init(document.getElementById("chart-topics"));
  topics.setOption({
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    series: [{ type: "pie", radius: ["35%", "70%"], data: data.topics, label: { formatter: "{b}\n{d}%" } }]
  });
  window.addEventListener("resize", function () { daily.resize(); topics.resize(); });
}());
