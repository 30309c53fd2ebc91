"""CSV for score lists (`?format=csv`): one row per region, flat columns."""

from __future__ import annotations

import csv
import io
from typing import Any

from rest_framework.renderers import BaseRenderer

from lib import spreadsheets


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context=None
    ) -> bytes:
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(data, dict) and "error" in data:
            rows = [data["error"]]
        if not isinstance(rows, list):
            rows = [rows]
        columns: list[str] = []
        for row in rows:
            for key in row:
                if key not in columns:
                    columns.append(key)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(
            {key: spreadsheets.neutralise(value) for key, value in row.items()}
            for row in rows
        )
        return out.getvalue().encode(self.charset)
