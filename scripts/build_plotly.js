// Builds static/vendor/plotly/plotly-smartcity.min.js from scripts/plotly_bundle.js
// with esbuild, as plotly.js's own build does (esbuild-config.js), and copies
// plotly.js's licence beside it. Run by `npm run vendor`.
"use strict";

const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");

const root = path.join(__dirname, "..");
const out = path.join(root, "static", "vendor", "plotly");
const version = require("plotly.js/package.json").version;

// plotly.js requires maplibre's CSS for map traces only, which are not bundled.
const noCss = {
  name: "no-css",
  setup(build) {
    build.onResolve({ filter: /\.css$/ }, (args) => ({ path: args.path, namespace: "no-css" }));
    build.onLoad({ filter: /.*/, namespace: "no-css" }, () => ({ contents: "", loader: "js" }));
  },
};

esbuild
  .build({
    entryPoints: [path.join(__dirname, "plotly_bundle.js")],
    outfile: path.join(out, "plotly-smartcity.min.js"),
    format: "iife",
    globalName: "Plotly",
    bundle: true,
    minify: true,
    legalComments: "none",
    banner: {
      js:
        `/* plotly.js v${version} (MIT, see LICENSE.txt), core + bar, heatmap, ` +
        "scatterpolar; built by scripts/build_plotly.js */",
    },
    plugins: [noCss],
    alias: { stream: "stream-browserify" },
    define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
    target: "es2016",
    logLevel: "warning",
  })
  .then(() => {
    fs.copyFileSync(require.resolve("plotly.js/LICENSE"), path.join(out, "LICENSE.txt"));
    const size = fs.statSync(path.join(out, "plotly-smartcity.min.js")).size;
    console.log(`static/vendor/plotly/plotly-smartcity.min.js ${size} bytes (plotly.js ${version})`);
  });
