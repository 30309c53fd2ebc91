"""The back office shows submissions read-only: documents, evidence and the
audit trail change only through the workflow (services), never by hand."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from submissions.models import (
    Document,
    DocumentVersion,
    EvidenceItem,
    StoredFile,
    Submission,
    SubmissionEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ["title", "doc_type", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(DocumentInline):
    model = SubmissionEvent
    fields = ["at", "actor", "action", "from_status", "to_status", "reason"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["region", "cycle", "status", "submitted_at", "updated_at"]
    list_filter = ["cycle", "status"]
    search_fields = ["region__name", "region__code"]
    list_select_related = ["region", "cycle"]
    inlines = [DocumentInline, EventInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    list_display = ["document", "number", "original_name", "uploaded_by", "uploaded_at"]
    list_select_related = ["document", "uploaded_by"]


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ["sha256", "kind", "size", "status", "status_reason", "page_count"]
    list_filter = ["status", "kind"]
    exclude = ["prescreen"]


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "submission", "indicator", "responsible_unit"]
    list_select_related = ["submission__region", "submission__cycle", "indicator"]
