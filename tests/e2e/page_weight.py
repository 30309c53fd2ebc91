"""What a page costs a browser: bytes transferred (as encoded on the wire,
headers included, from the DevTools protocol) per file and in total, and the
time from navigation start to the first chart drawn. Used by
tests/e2e/test_page_weight.py and bench/page_weight.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Records when the first chart of the page is drawn (charts.js sets
# data-rendered="true" on its figure), before any page script runs.
FIRST_CHART = """
new MutationObserver(function (changes, observer) {
  for (const change of changes) {
    if (change.target.dataset && change.target.dataset.chart &&
        change.target.dataset.rendered === "true") {
      window.__firstChartMs = performance.now();
      observer.disconnect();
      return;
    }
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-rendered"]});
"""


@dataclass
class Weight:
    files: dict[str, int] = field(default_factory=dict)  # path -> bytes
    first_chart_ms: float | None = None

    @property
    def total(self) -> int:
        return sum(self.files.values())

    def of(self, fragment: str) -> int:
        return sum(size for path, size in self.files.items() if fragment in path)

    def lines(self) -> list[str]:
        rows = [
            f"{path:<64}{size / 1024:>9.1f} KB"
            for path, size in sorted(self.files.items(), key=lambda kv: -kv[1])
        ]
        rows.append(f"{'total':<64}{self.total / 1024:>9.1f} KB")
        if self.first_chart_ms is not None:
            rows.append(
                f"{'first chart drawn after':<64}{self.first_chart_ms:>9.0f} ms"
            )
        return rows


def measure(context, url: str, *, charts: int) -> Weight:
    """Load `url` in a new page of `context` (cache empty) and wait until
    `charts` charts are drawn."""
    page = context.new_page()
    page.add_init_script(FIRST_CHART)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    weight = Weight()
    cdp.on(
        "Network.responseReceived",
        lambda event: urls.__setitem__(event["requestId"], event["response"]["url"]),
    )

    def finished(event) -> None:
        address = urls.get(event["requestId"], "?")
        if not address.startswith("http"):
            return  # data: URLs (plotly's own images) cost nothing on the wire
        path = urlsplit(address).path or address
        weight.files[path] = weight.files.get(path, 0) + int(event["encodedDataLength"])

    cdp.on("Network.loadingFinished", finished)
    page.goto(url)
    page.wait_for_function(
        "n => document.querySelectorAll(\"[data-chart][data-rendered='true']\").length >= n",
        arg=charts,
        timeout=60_000,
    )
    page.wait_for_load_state("networkidle")
    weight.first_chart_ms = page.evaluate("window.__firstChartMs")
    page.close()
    return weight
