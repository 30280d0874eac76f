/* cxm web shell: progressive enhancement only; every page works without it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Top-bar pickers apply as soon as a choice changes (the Apply button is the no-JS path).
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.js-autosubmit");
    if (form) {
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  });

  // Draw every figure embedded with json_script: <div data-plotly-figure="<script id>">.
  function drawCharts(root) {
    if (typeof window.Plotly === "undefined") { return; }
    root.querySelectorAll("[data-plotly-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.plotlyFigure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      el.innerHTML = "";
      window.Plotly.newPlot(el, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
        // On a phone the tool bar covers the chart's own menus and legend: hidden there.
        displayModeBar: el.clientWidth < 600 ? false : "hover",
        modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
