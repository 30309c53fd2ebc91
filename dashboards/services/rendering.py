"""Rendering a release's published parts in one pass, for the worker right
after publication (scoring.tasks.render_release)."""

from __future__ import annotations

import time

from django.utils import translation

from dashboards.services import national, published, scorecards, scores
from dashboards.services.reading import framework_of, published_content, region_frame
from scoring.models import Release


def render_release(release: Release) -> dict[str, float]:
    """Every region's scorecard data, the common dashboard filters and the
    API's score rows, in every language, into the cache; the content is read
    once. Returns counts and seconds, for the task's log and the bench."""
    started = time.perf_counter()
    content = published_content(release)
    registry = region_frame()
    shared = scorecards.Pass(release, content, registry)
    newest = scorecards.generation()
    published.store(
        release,
        {
            scorecards.REGIONS_PART: published.as_json(
                [str(row["region"]) for row in content["regions"]]
            )
        },
        "-",
    )
    count = 0
    for language in published.languages():
        with translation.override(language):
            framework = framework_of(release, content)
            parts = {
                national.part(filters): published.as_json(
                    national.dashboard_data(
                        release, filters, content, registry, framework
                    )
                )
                for filters in national.COMMON_FILTERS
            }
            parts |= {
                scorecards.part(code, newest): published.as_json(data)
                for code, data in scorecards.build(release, None, shared).items()
            }
            parts[scores.ROWS_PART] = scores.rows_rendered(
                scores.score_rows(release, with_levels=True, content=content)
            )
            published.store(release, parts, language)
            count += len(parts)
    return {
        "parts": count,
        "regions": len(shared.entries),
        "seconds": time.perf_counter() - started,
    }
