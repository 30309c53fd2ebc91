// Copies axe-core's minified file and licences into tests/e2e/vendor (the
// accessibility tests inject it). Run by `npm run vendor`.
"use strict";

const fs = require("fs");
const path = require("path");

const source = path.dirname(require.resolve("axe-core/package.json"));
const out = path.join(__dirname, "..", "tests", "e2e", "vendor");
fs.mkdirSync(out, { recursive: true });
fs.copyFileSync(path.join(source, "axe.min.js"), path.join(out, "axe.min.js"));
fs.copyFileSync(path.join(source, "LICENSE"), path.join(out, "axe-LICENSE.txt"));
fs.copyFileSync(
  path.join(source, "LICENSE-3RD-PARTY.txt"),
  path.join(out, "axe-LICENSE-3RD-PARTY.txt"),
);
console.log(`tests/e2e/vendor/axe.min.js (axe-core ${require(path.join(source, "package.json")).version})`);
