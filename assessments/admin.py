from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from assessments import services
from assessments.models import Cycle, FrameworkVersion, Indicator, RubricLevel


class LockedFrameworkMixin:
    """A locked framework version (results published) is read-only, with its parts."""

    def framework_of(self, obj: Any) -> FrameworkVersion | None:
        return obj

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        framework = self.framework_of(obj) if obj is not None else None
        if framework is not None and framework.is_locked:
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        framework = self.framework_of(obj) if obj is not None else None
        if framework is not None and framework.is_locked:
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(LockedFrameworkMixin, admin.ModelAdmin):
    list_display = ["code", "name_id", "loaded_at", "locked_at"]
    readonly_fields = ["source_sha256", "loaded_at", "locked_at"]


class RubricLevelInline(admin.TabularInline):
    model = RubricLevel
    extra = 0
    max_num = 5


@admin.register(Indicator)
class IndicatorAdmin(LockedFrameworkMixin, admin.ModelAdmin):
    list_display = ["code", "name_id", "part", "aspect", "sub_dimension", "weight"]
    list_filter = ["framework", "part", "aspect", "sub_dimension__dimension"]
    list_select_related = ["sub_dimension"]
    search_fields = ["code", "name_id", "name_en"]
    inlines = [RubricLevelInline]

    def framework_of(self, obj: Indicator) -> FrameworkVersion:
        return obj.framework


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "framework", "submissions_open", "appeals_close"]
    list_filter = ["year", "framework"]
    filter_horizontal = ["regions"]

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        if not form.instance.regions.exists():
            form.instance.regions.set(services.cohort_region_codes(form.instance.year))
