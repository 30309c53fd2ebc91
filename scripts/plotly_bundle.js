// The plotly.js bundle the dashboards load: the core (scatter) and only the
// trace types dashboards/charts uses. A new trace type in a chart must be added
// here (tests/dashboards/test_plotly_bundle.py checks), then `npm run vendor`.
"use strict";

var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/scatterpolar"),
]);

module.exports = Plotly;
