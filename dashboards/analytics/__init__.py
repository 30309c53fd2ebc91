"""The numbers of the public readiness dashboard, from a published release.

Pure functions over dicts and pandas DataFrames, no Django: the views read a
release's content (the JSON dict that scoring.services.release_content wrote)
and the region registry into a frame, and call these. Keeping them here lets
them be tested without a database.

The release frame (release_frame) has one row per region of the release:

    the registry columns   region, name, kind, province_code, province_name,
                           cohort_year (Int64), cohort_confirmed (boolean:
                           every membership that counts is confirmed; NA
                           outside the program), latitude, longitude (float64)
    the result             index, coverage, blueprint, practice (float64, NaN
                           for null), band (str, "" when none), complete (bool),
                           size_class (str, "" when none)
    the ranks              rank_national, rank_kind, rank_province,
                           rank_cohort, rank_size, rank_low, rank_high (Int64)
    the status             ranked (bool), unranked_reason (str: "incomplete",
                           "few_reviews", "no_index" or ""), n_reviews,
                           tie_low, tie_high (national tied group),
                           rank_adjusted, rank_change (Int64), index_low,
                           index_high, index_adjusted (float64), uncertainty
                           (object: the per-peer-group interval and tie);
                           see result_status for old releases
    the details            one float64 column per details key of the release,
                           named as the key ("dimension:GOV", "element:STR",
                           "aspect:baseline", "sub_dimension:GOV.KEB", ...)

Counting rules shared by progress() and band_distribution(): a region counts
in a band only when it is complete (an incomplete region keeps a band for
display but is never counted toward the program target). progress() counts
only the program's members (a cohort year), as the program counted; cohort
medians count only regions whose cohort is confirmed (docs/scoring.md,
"Kohort / Cohorts").
The package, by what each module holds:

    columns      column names, rank columns, detail families, detail_columns
    convert      small conversions to JSON-safe values
    status       result_status, min_reviews (a result's ranked/tied status)
    frame        release_frame, filter_frame
    bands        band_order, progress, bounds, band_distribution
    comparisons  dimension_matrix, medians, scorecard, history
    review_work  review_progress, hotspots, hotspot_counts
"""

from dashboards.analytics.bands import (
    band_distribution,
    band_order,
    bounds,
    progress,
)
from dashboards.analytics.columns import (
    DETAIL_FAMILIES,
    INTERVAL_COLUMNS,
    RANK_COLUMNS,
    REGISTRY_COLUMNS,
    RESULT_NUMBERS,
    detail_columns,
)
from dashboards.analytics.comparisons import (
    dimension_matrix,
    history,
    medians,
    scorecard,
)
from dashboards.analytics.frame import filter_frame, release_frame
from dashboards.analytics.review_work import (
    hotspot_counts,
    hotspots,
    review_progress,
)
from dashboards.analytics.status import (
    MIN_REVIEWS,
    UNRANKED_REASONS,
    min_reviews,
    result_status,
)

__all__ = [
    "DETAIL_FAMILIES",
    "INTERVAL_COLUMNS",
    "MIN_REVIEWS",
    "RANK_COLUMNS",
    "REGISTRY_COLUMNS",
    "RESULT_NUMBERS",
    "UNRANKED_REASONS",
    "band_distribution",
    "band_order",
    "bounds",
    "detail_columns",
    "dimension_matrix",
    "filter_frame",
    "history",
    "hotspot_counts",
    "hotspots",
    "medians",
    "min_reviews",
    "progress",
    "release_frame",
    "result_status",
    "review_progress",
    "scorecard",
]
