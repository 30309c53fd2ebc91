"""Back office: conflicts of interest are recorded here too; reviews, consensus,
appeals and the score trail are read-only (they change through the workflow)."""

from django.contrib import admin

from reviews.models import Appeal, ConflictOfInterest, Consensus, Review, ScoreChange
from submissions.admin import ReadOnlyAdmin


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "region", "declared_at"]
    search_fields = ["reviewer__username", "region__name"]
    autocomplete_fields = ["region"]
    list_select_related = ["reviewer", "region"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["region", "reviewer", "cycle", "is_lead", "status", "saved_at"]
    list_filter = ["cycle", "status", "is_lead"]
    list_select_related = ["region", "reviewer", "cycle"]


@admin.register(Consensus)
class ConsensusAdmin(ReadOnlyAdmin):
    list_display = ["region", "indicator", "level", "decided_by", "decided_at"]
    list_select_related = ["region", "indicator", "decided_by"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["submission", "indicator", "status", "filed_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["submission__region", "submission__cycle", "indicator"]


@admin.register(ScoreChange)
class ScoreChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "region",
        "indicator",
        "source",
        "actor",
        "old_value",
        "new_value",
    ]
    list_filter = ["source", "cycle"]
    list_select_related = ["region", "indicator", "actor"]
