"""plotly.js as a static file of the app, at the version the pinned Python
plotly package bundles (plotly 7.1.0 ships plotly.js 4.1.1), so the charts'
library is never fetched from a CDN and cannot drift from the figures' schema.
Served as `static/vendor/plotly/plotly.min.js`."""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

NAME = "vendor/plotly/plotly.min.js"
SOURCE = Path(plotly.__file__).parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(SOURCE))
        self.storage.prefix = "vendor/plotly"

    def check(self, **kwargs):
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        match = str(SOURCE / "plotly.min.js") if path == NAME else None
        if find_all:
            return [match] if match else []
        return match

    def list(self, ignore_patterns):
        yield "plotly.min.js", self.storage
