// Draws every chart of the page from its data-figure attribute (JSON, escaped by the server's
// templates); no inline scripts, so the page runs under script-src 'self'.
(function () {
  "use strict";
  var config = {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"]};
  function draw() {
    var charts = document.querySelectorAll("div.chart[data-figure]");
    for (var i = 0; i < charts.length; i++) {
      var el = charts[i];
      var fig;
      try { fig = JSON.parse(el.getAttribute("data-figure")); } catch (e) { continue; }
      el.removeAttribute("data-figure");
      window.Plotly.newPlot(el, fig.data || [], fig.layout || {}, config);
      if (el.getAttribute("data-navigate")) {
        el.on("plotly_click", function (ev) {
          var url = ev && ev.points && ev.points[0] && ev.points[0].customdata;
          // Only same-site paths: never a scheme, never a protocol-relative //host.
          if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
            window.location.assign(url);
          }
        });
      }
    }
    document.body.setAttribute("data-charts-ready", "1");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
