"""The dashboards load a partial plotly.js bundle (static/vendor/plotly/
plotly-smartcity.min.js, built by scripts/build_plotly.js from
scripts/plotly_bundle.js): every trace type a chart uses must be in it, or
that chart would fail to draw in the browser."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static" / "vendor" / "plotly" / "plotly-smartcity.min.js"


def bundled_types() -> set[str]:
    entry = (ROOT / "scripts" / "plotly_bundle.js").read_text()
    return {"scatter"} | set(re.findall(r'require\("plotly\.js/lib/(\w+)"\)', entry))


def used_types() -> set[str]:
    sources = [*ROOT.glob("dashboards/charts/*.py"), ROOT / "static/js/charts.js"]
    found: set[str] = set()
    for source in sources:
        found |= set(re.findall(r'"type"?:\s*"(\w+)"', source.read_text()))
    return found - {"category", "linear", "log", "date"}  # axis types


def test_every_trace_type_the_charts_use_is_bundled():
    used = used_types()
    assert {"bar", "scatter", "heatmap", "scatterpolar"} <= used  # the scan works
    assert used <= bundled_types(), used - bundled_types()


def test_the_bundle_is_vendored_with_its_licence_and_says_what_it_holds():
    head = BUNDLE.read_text()[:300]
    assert "plotly.js v4.1.1" in head
    assert "bar, heatmap, scatterpolar" in head
    assert (BUNDLE.parent / "LICENSE.txt").read_text().startswith("MIT License")
    assert BUNDLE.stat().st_size < 1_500_000  # the full bundle is 4.8 MB


def test_the_dashboards_load_the_partial_bundle():
    for name in ("dashboard", "scorecard", "ministry"):
        template = (ROOT / "templates" / "dashboards" / f"{name}.html").read_text()
        assert "vendor/plotly/plotly-smartcity.min.js" in template
        assert "vendor/plotly/plotly.min.js" not in template
