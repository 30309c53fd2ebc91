/* Dashboards: fills each chart slot of the page from the page's JSON data.
 *
 * The page has <div id="charts" data-url="..."> with one <figure data-chart="name">
 * per chart. The data endpoint answers {"charts": {name: {"figure", "table"}}};
 * each figure is drawn with plotly.js (served by the app, no CDN) and each
 * table is written out under "Show the data as a table", so every chart can
 * be read without seeing it. A map whose layout says meta.basemap gets the
 * vendored coastlines (static/vendor/basemap) as its first trace.
 */
(function () {
  "use strict";

  var root = document.getElementById("charts");
  if (!root) return;
  var lang = root.dataset.lang === "en" ? "en" : "id-ID";
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });

  function formatCell(value) {
    if (value === null || value === undefined || value === "") return "–";
    if (typeof value === "number") return number.format(value);
    return String(value);
  }

  function writeTable(figure, table) {
    var wrap = figure.querySelector(".chart-table .table-wrap");
    if (!wrap || !table) return;
    var element = document.createElement("table");
    element.className = "table";
    var caption = document.createElement("caption");
    caption.textContent = table.caption || "";
    element.appendChild(caption);
    var head = element.createTHead().insertRow();
    table.columns.forEach(function (column) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = column;
      head.appendChild(th);
    });
    var body = element.createTBody();
    table.rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (cell) {
        var td = tr.insertCell();
        td.textContent = formatCell(cell);
        if (typeof cell === "number") td.className = "num";
      });
    });
    wrap.replaceChildren(element);
  }

  var basemap = null;
  function loadBasemap() {
    if (!basemap) {
      basemap = fetch(root.dataset.basemap, { credentials: "same-origin" }).then(
        function (response) {
          if (!response.ok) throw new Error("basemap " + response.status);
          return response.json();
        }
      );
    }
    return basemap;
  }

  function draw(figure, chart) {
    var plot = figure.querySelector(".chart-plot");
    var data = chart.figure.data || [];
    var layout = chart.figure.layout || {};
    var config = {
      responsive: true,
      displaylogo: false,
      // On a phone the toolbar covered chart titles; the page's own PNG
      // button and pinch-zoom remain.
      displayModeBar: !window.matchMedia("(max-width: 40em)").matches,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "sendDataToCloud"],
      toImageButtonOptions: { format: "png", filename: figure.dataset.chart },
    };
    var ready = Promise.resolve(data);
    if (layout.meta && layout.meta.basemap && root.dataset.basemap) {
      ready = loadBasemap().then(function (lines) {
        var coast = {
          type: "scatter",
          mode: "lines",
          x: lines.lon,
          y: lines.lat,
          line: { color: "#8a94a3", width: 0.8 },
          hoverinfo: "skip",
          showlegend: false,
          connectgaps: false,
        };
        return [coast].concat(data);
      });
    }
    return ready.then(function (traces) {
      plot.replaceChildren();
      return Plotly.newPlot(plot, traces, layout, config).then(function () {
        figure.dataset.rendered = "true";
        var button = figure.querySelector(".chart-png");
        if (button) {
          button.disabled = false;
          button.addEventListener("click", function () {
            Plotly.downloadImage(plot, {
              format: "png",
              filename: figure.dataset.chart,
              width: Math.max(plot.clientWidth, 800),
              height: plot.clientHeight || 450,
            });
          });
        }
      });
    });
  }

  function fail(figure) {
    var plot = figure.querySelector(".chart-plot");
    var message = document.createElement("p");
    message.className = "error";
    message.setAttribute("role", "alert");
    message.textContent = root.dataset.error;
    plot.replaceChildren(message);
    figure.dataset.rendered = "error";
  }

  var printButton = document.querySelector(".print-button");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () {
      window.print();
    });
  }

  fetch(root.dataset.url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (response) {
      if (!response.ok) throw new Error("data " + response.status);
      return response.json();
    })
    .then(function (payload) {
      var charts = payload.charts || {};
      var figures = root.querySelectorAll("[data-chart]");
      return Promise.all(
        Array.prototype.map.call(figures, function (figure) {
          var chart = charts[figure.dataset.chart];
          if (!chart) return fail(figure);
          writeTable(figure, chart.table);
          return draw(figure, chart).catch(function () {
            fail(figure);
          });
        })
      );
    })
    .catch(function () {
      root.querySelectorAll("[data-chart]").forEach(fail);
    })
    .then(function () {
      root.dataset.rendered = "true";
    });
})();
