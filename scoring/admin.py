from django.contrib import admin

from scoring.models import RegionResult, Release, ScoreRun
from submissions.admin import ReadOnlyAdmin


@admin.register(ScoreRun)
class ScoreRunAdmin(ReadOnlyAdmin):
    list_display = [
        "cycle",
        "status",
        "reason",
        "requested_at",
        "duration_ms",
        "regions",
    ]
    list_filter = ["status", "cycle"]


@admin.register(RegionResult)
class RegionResultAdmin(ReadOnlyAdmin):
    list_display = [
        "region",
        "cycle",
        "index",
        "band",
        "coverage",
        "complete",
        "rank_national",
    ]
    list_filter = ["cycle", "complete", "band"]
    list_select_related = ["region", "cycle"]


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = [
        "cycle",
        "number",
        "kind",
        "published_at",
        "framework_code",
        "checksum",
    ]
    exclude = ["content"]
