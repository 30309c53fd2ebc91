"""API shapes of submissions: documents with their versions, practice evidence,
uploads. Field checks of evidence are the browser form's (submissions.forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from rest_framework import serializers

from submissions.forms import EvidenceForm
from submissions.models import (
    Document,
    DocumentType,
    DocumentVersion,
    EvidenceItem,
    Submission,
)


class VersionSerializer(serializers.ModelSerializer):
    sha256 = serializers.CharField(source="file.sha256")
    size = serializers.IntegerField(source="file.size")
    status = serializers.CharField(source="file.status")
    pages = serializers.IntegerField(source="file.page_count", allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "original_name",
            "sha256",
            "size",
            "status",
            "pages",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, version: DocumentVersion) -> str:
        """Works with the same token (the browser has its own download link)."""
        path = reverse(
            "submission-download",
            args=[version.document.submission_id, version.pk],
        )
        return self.context["request"].build_absolute_uri(path)


class DocumentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="doc_type")
    versions = VersionSerializer(many=True)

    class Meta:
        model = Document
        fields = ["id", "kind", "title", "versions"]


class EvidenceSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceItem
        # The browser form's fields, and what the server adds.
        fields = [
            "id",
            *EvidenceForm.Meta.fields,
            "file_name",
            "download_url",
            "updated_at",
        ]

    def get_download_url(self, item: EvidenceItem) -> str | None:
        """The attached file (same token), or null when there is only a link."""
        if not item.file_id:
            return None
        path = reverse(
            "submission-evidence-download", args=[item.submission_id, item.pk]
        )
        return self.context["request"].build_absolute_uri(path)


def _from_form_field(field: forms.Field, help_text: str) -> serializers.Field:
    """The serializer field that accepts what the form field accepts (for the
    schema; the form still does the checking)."""
    optional = not field.required
    common: dict[str, Any] = {"required": field.required}
    if help_text:
        common["help_text"] = help_text
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(required=False, default=False)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            field.max_digits, field.decimal_places, allow_null=optional, **common
        )
    if isinstance(field, forms.URLField):
        return serializers.URLField(
            max_length=field.max_length, allow_blank=optional, **common
        )
    if isinstance(field, forms.CharField):
        return serializers.CharField(
            max_length=field.max_length, allow_blank=optional, **common
        )
    raise TypeError(f"no serializer field for {type(field).__name__}")


# What the API says beyond the form: clients name the indicator by its code.
EVIDENCE_HELP = {
    "indicator": "A Practice indicator's code.",
    "responsible_unit": "SKPD/OPD",
}


def _evidence_input_fields() -> dict[str, serializers.Field]:
    fields: dict[str, serializers.Field] = {
        "indicator": serializers.CharField(help_text=EVIDENCE_HELP["indicator"])
    }
    for name in EvidenceForm.Meta.fields:
        if name not in fields:
            fields[name] = _from_form_field(
                EvidenceForm.base_fields[name], EVIDENCE_HELP.get(name, "")
            )
    fields["file"] = serializers.FileField(
        required=False, help_text="PDF or DOCX; a link, a file, or both."
    )
    return fields


class EvidenceInputSerializer(serializers.Serializer):
    """For the schema: the fields are checked by the browser's evidence form."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return _evidence_input_fields()


EVIDENCE_REQUEST = {
    "multipart/form-data": EvidenceInputSerializer,
    "application/json": EvidenceInputSerializer,
}


class SubmissionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    documents = DocumentSerializer(many=True)
    evidence = EvidenceSerializer(many=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "cycle",
            "region",
            "status",
            "submitted_at",
            "documents",
            "evidence",
        ]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, max_length=None)
    kind = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    document = serializers.IntegerField(
        required=False,
        help_text="An existing document's id: upload a new version of it.",
    )
