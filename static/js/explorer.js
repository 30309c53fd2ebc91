// Weights explorer: sliders for the part and aspect weights within the ranges
// the framework allows; every region's index, band and rank recomputed here
// exactly as scoring/weights.py does (weighted means renormalised over the
// scores present, indices compared rounded to 6 decimals, ties share the lower
// rank number, a band bound belongs to the band above).
(function () {
  "use strict";
  var root = document.getElementById("explorer");
  if (!root) { return; }
  var t = function (key) { return root.getAttribute("data-t-" + key) || key; };
  var lang = root.getAttribute("data-lang") === "en" ? "en" : "id";
  var fmt2 = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var fmt1 = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var fmtW = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var status = document.getElementById("explorer-status");
  var form = document.getElementById("explorer-weights");
  var summary = document.getElementById("explorer-summary");
  var tbody = document.querySelector("#explorer-table tbody");
  var data, inputs = {}, rows = [];

  // numpy.round: round half to even on the scaled value.
  function round6(x) {
    var y = x * 1e6, r = Math.round(y);
    if (Math.abs(y - Math.trunc(y)) === 0.5) { r = 2 * Math.round(y / 2); }
    return r / 1e6;
  }

  function combine(scores, weights) {
    var num = 0, den = 0;
    for (var k = 0; k < scores.length; k++) {
      if (scores[k] === null || isNaN(scores[k])) { continue; }
      num += scores[k] * weights[k];
      den += weights[k];
    }
    return den > 0 ? num / den : NaN;
  }

  function current() {
    var part = ["blueprint", "practice"].map(function (p) { return Number(inputs["part:" + p].value); });
    var aspect = data.aspects.map(function (a) { return Number(inputs["aspect:" + a.code].value); });
    return { part: part, aspect: aspect };
  }

  function recompute(w) {
    var index = data.regions.map(function (r) {
      var practice = combine(r.aspects, w.aspect);
      return combine([r.blueprint, isNaN(practice) ? null : practice], w.part);
    });
    var rounded = index.map(function (x) { return isNaN(x) ? NaN : round6(x); });
    var ranked = data.regions.map(function (r, i) { return r.explorable && !isNaN(rounded[i]); });
    var values = rounded.filter(function (v, i) { return ranked[i]; });
    var rank = rounded.map(function (v, i) {
      if (!ranked[i]) { return 0; }
      var above = 0;
      for (var k = 0; k < values.length; k++) { if (values[k] > v) { above++; } }
      return 1 + above;
    });
    var band = rounded.map(function (v) {
      if (isNaN(v)) { return null; }
      for (var k = 0; k < data.bands.length; k++) {
        var upper = data.bands[k][1];
        if (upper === null || upper > v) { return data.bands[k][0]; }
      }
      return data.bands[data.bands.length - 1][0];
    });
    return { index: index, rank: rank, band: band };
  }

  function slider(kind, code, label, value, range) {
    var id = "w-" + kind + "-" + code;
    var wrap = document.createElement("div");
    wrap.className = "explorer-weight";
    var lab = document.createElement("label");
    lab.setAttribute("for", id);
    lab.textContent = label;
    var input = document.createElement("input");
    input.type = "range";
    input.id = id;
    input.name = kind + ":" + code;
    input.min = range[0];
    input.max = range[1];
    var step = (range[1] - range[0]) / 40;
    var k = step > 0 ? (value - range[0]) / step : 0;
    input.step = step > 0 && Math.abs(k - Math.round(k)) < 1e-9 ? String(step) : "any";
    input.value = value;
    input.setAttribute("data-default", value);
    if (range[1] === range[0]) { input.disabled = true; }
    var out = document.createElement("output");
    out.setAttribute("for", id);
    out.id = id + "-value";
    var note = document.createElement("span");
    note.className = "small";
    note.textContent = " (" + t("range") + " " + fmtW.format(range[0]) + "–" + fmtW.format(range[1]) + ")";
    wrap.appendChild(lab);
    wrap.appendChild(input);
    wrap.appendChild(out);
    wrap.appendChild(note);
    inputs[kind + ":" + code] = input;
    return wrap;
  }

  function build() {
    var parts = document.createElement("fieldset");
    var legend = document.createElement("legend");
    legend.textContent = t("parts");
    parts.appendChild(legend);
    ["blueprint", "practice"].forEach(function (p) {
      parts.appendChild(slider("part", p, t(p), data.weights.part[p], data.ranges.part[p]));
    });
    var aspects = document.createElement("fieldset");
    legend = document.createElement("legend");
    legend.textContent = t("aspects");
    aspects.appendChild(legend);
    data.aspects.forEach(function (a) {
      aspects.appendChild(slider("aspect", a.code, a.name, data.weights.aspect[a.code], data.ranges.aspect[a.code]));
    });
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "button";
    reset.id = "explorer-reset";
    reset.textContent = t("reset");
    reset.addEventListener("click", function () {
      Object.keys(inputs).forEach(function (key) { inputs[key].value = inputs[key].getAttribute("data-default"); });
      update();
    });
    form.appendChild(parts);
    form.appendChild(aspects);
    form.appendChild(reset);
    form.addEventListener("input", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;

    data.regions.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-region", r.region);
      var cells = {};
      ["name", "official", "rank", "attainable", "oindex", "index", "band"].forEach(function (key) {
        var cell = document.createElement(key === "name" ? "th" : "td");
        if (key === "name") { cell.scope = "row"; } else if (key !== "band") { cell.className = "num"; }
        cell.setAttribute("data-col", key);
        tr.appendChild(cell);
        cells[key] = cell;
      });
      cells.name.textContent = r.name;
      cells.official.textContent = r.official.rank || "–";
      cells.attainable.textContent = r.attainable ? r.attainable[0] + "–" + r.attainable[1] : "–";
      cells.oindex.textContent = r.official.index === null ? "–" : fmt2.format(r.official.index);
      if (!r.complete || !r.explorable) {
        var badge = document.createElement("span");
        badge.className = "badge badge-muted";
        badge.textContent = r.complete ? t("missing") : t("incomplete");
        cells.name.appendChild(document.createTextNode(" "));
        cells.name.appendChild(badge);
      }
      rows.push({ tr: tr, cells: cells, region: r });
    });
  }

  function update() {
    var w = current();
    var total = w.part[0] + w.part[1];
    var aspectTotal = w.aspect.reduce(function (s, v) { return s + v; }, 0);
    Object.keys(inputs).forEach(function (key) {
      var input = inputs[key], value = Number(input.value), share;
      var parts = key.split(":");
      if (parts[0] === "part") { share = total > 0 ? value / total : 0; } else {
        share = aspectTotal > 0 && total > 0 ? (w.part[1] / total) * value / aspectTotal : 0;
      }
      var text = fmtW.format(value) + " · " + fmt1.format(100 * share) + "% " + t("share");
      document.getElementById(input.id + "-value").textContent = text;
      input.setAttribute("aria-valuetext", text);
    });
    var result = recompute(w);
    var moved = 0;
    rows.forEach(function (row, i) {
      var x = result.index[i], rank = result.rank[i];
      row.rank = rank;
      row.cells.rank.textContent = rank ? String(rank) : "–";
      row.cells.rank.setAttribute("data-rank", rank);
      row.cells.index.textContent = isNaN(x) ? "–" : fmt2.format(x);
      row.cells.index.setAttribute("data-index", isNaN(x) ? "" : String(x));
      var band = result.band[i];
      row.cells.band.textContent = band ? (data.band_names[band] || band) : "–";
      row.cells.band.setAttribute("data-band", band || "");
      if (rank && row.region.official.rank && rank !== row.region.official.rank) { moved++; }
    });
    rows.slice().sort(function (a, b) {
      if (!a.rank !== !b.rank) { return a.rank ? -1 : 1; }
      return (a.rank - b.rank) || a.region.name.localeCompare(b.region.name);
    }).forEach(function (row) { tbody.appendChild(row.tr); });
    summary.textContent = moved + " " + t("moved");
    summary.setAttribute("data-moved", moved);
  }

  fetch(root.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (json) {
      data = json;
      build();
      update();
      status.textContent = "";
      document.getElementById("attainable-pending").hidden = data.attainable_ready !== false;
      root.setAttribute("data-ready", "true");
    })
    .catch(function () { status.textContent = t("error"); });
})();
