"""Fonts, colours, sizes and the label lookups every chart shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
FONT_SIZE = 13
TEXT_SIZE = 12
TEXT_COLOR = "#1a1a1a"

# Fixed label keys the charts look up (besides band:/dimension:/element:/kind:).
LABEL_KEYS: tuple[str, ...] = (
    "title:progress",
    "title:ranking",
    "title:heatmap",
    "title:bands",
    "title:map",
    "title:radar",
    "title:parts",
    "title:elements",
    "title:history",
    "title:reviewers",
    "title:hotspots",
    "progress:overall",
    "cohort:none",
    "band:none",
    "status:incomplete",
    "status:tied",
    "status:few_reviews",
    "series:region",
    "series:national_median",
    "series:cohort_median",
    "part:blueprint",
    "part:practice",
    "col:region",
    "col:province",
    "col:index",
    "col:band",
    "col:rank",
    "col:point_rank",
    "col:status",
    "col:cohort",
    "col:assessed",
    "col:reached",
    "col:target",
    "col:regions",
    "col:latitude",
    "col:longitude",
    "col:dimension",
    "col:element",
    "col:part",
    "col:score",
    "col:cycle",
    "col:release",
    "col:kind",
    "col:published",
    "col:reviewer",
    "col:assigned",
    "col:submitted",
    "col:remaining",
    "col:answered_share",
    "col:overdue",
    "col:disagreements",
)

# Okabe-Ito based, low -> high: vermillion, reddish purple, bluish green, blue
# (lightened a little) and navy. Each is at least 3:1 against white, and all but
# the top band also take black text at 4.5:1 (their bars can be short).
_BAND_PALETTE = ("#D55E00", "#CC79A7", "#009E73", "#2B83C6", "#1B3A6B")
# Used only beyond five bands (Paul Tol's muted, the darker ones).
_EXTRA_PALETTE = ("#882255", "#117733", "#332288", "#AA4499", "#6F6F1A")
_SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "star",
    "cross",
    "x",
    "triangle-down",
    "pentagon",
    "hexagon",
)
MISSING = "\u2013"  # shown for a missing number in hover text
NO_BAND_COLOR = "#767676"  # 4.5:1 on white
NO_BAND_SYMBOL = "circle-open"

_PRIMARY = "#0072B2"  # the region
_SECONDARY = "#D55E00"  # national median
_TERTIARY = "#009E73"  # cohort median
_LIGHT = "#E3E3E3"  # background bars (target, remaining)
_OUTLINE = "#595959"  # outline of light bars, 7:1 on white
GRID_COLOR = "#E6E6E6"  # value-axis grid lines

ROW_PX = 20
RANKING_RANGE = 5.6  # x axis of the ranking: the 1-5 scale and room for text
PHONE_PLOT_PX = 200  # plot width on a 390 px phone with long region names
CHAR_PX = 7  # a 12 px character, generously
LABEL_CHARS = 24  # longer category labels are shortened on the axis
ELLIPSIS = "\u2026"
# The heatmap's scores, light to mid blue-green (ColorBrewer GnBu), so that its
# black numbers read on every cell (WCAG contrast >= 4.5, tested); Viridis'
# mid greens left dark-grey numbers at about 3:1.
HEATMAP_SCALE = [[0.0, "#f7fcf0"], [0.5, "#a8ddb5"], [1.0, "#43a2ca"]]
HEATMAP_INK = "#000000"
MAX_HEIGHT = 10600  # all 514 regions at ROW_PX
SCORE_TICKS = [1, 2, 3, 4, 5]
HOTSPOT_LIMIT = 20


def _label(labels: Mapping[str, str], key: str) -> str:
    return labels.get(key, key)


def _band_label(labels: Mapping[str, str], code: str) -> str:
    return _label(labels, f"band:{code}") if code else _label(labels, "band:none")


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two "#rrggbb" colours."""

    def luminance(color: str) -> float:
        r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
        r, g, b = (
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in (r, g, b)
        )
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _ink(color: str) -> str:
    """Black or white, whichever reads better on ``color``."""
    return (
        "#000000"
        if _contrast(color, "#000000") >= _contrast(color, "#ffffff")
        else "#ffffff"
    )


def band_colors(bands: Sequence[str]) -> dict[str, str]:
    """Hex colour per band code, low -> high, plus "" (no band) in grey."""
    n = len(bands)
    if n <= len(_BAND_PALETTE):
        last = len(_BAND_PALETTE) - 1
        picks = [
            _BAND_PALETTE[round(i * last / (n - 1)) if n > 1 else last]
            for i in range(n)
        ]
    else:
        pool = _BAND_PALETTE + _EXTRA_PALETTE
        picks = [pool[i % len(pool)] for i in range(n)]
    colors = dict(zip(bands, picks, strict=True))
    colors[""] = NO_BAND_COLOR
    return colors


def band_symbols(bands: Sequence[str]) -> dict[str, str]:
    """Plotly marker symbol per band code, plus "" (no band) as an open circle."""
    symbols = {code: _SYMBOLS[i % len(_SYMBOLS)] for i, code in enumerate(bands)}
    symbols[""] = NO_BAND_SYMBOL
    return symbols


def _ordered_bands(present: Iterable[str], bands: Sequence[str]) -> list[str]:
    """Known bands in order, then unknown codes, then "" last."""
    present = list(dict.fromkeys(present))
    known = [b for b in bands if b in present]
    unknown = [b for b in present if b and b not in bands]
    tail = [""] if "" in present else []
    return known + unknown + tail
