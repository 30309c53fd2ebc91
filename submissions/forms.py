from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.models import Indicator, Part
from submissions import services, upload_handlers
from submissions.file_checks import Refusal
from submissions.models import DocumentType, EvidenceItem, Submission

ACCEPT = ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class UploadFormMixin:
    """A file field whose upload may have been dropped while it streamed in
    (see the upload handler): say why instead of "required"."""

    file_required = True

    def __init__(
        self, *args: Any, refused: dict[str, str] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.refused = refused or {}
        limit = _("PDF or DOCX, at most %(size)s MB.") % {
            "size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        }
        optional = "" if self.file_required else _("Optional when a link is given.")
        self.fields["file"].help_text = f"{optional} {limit}".strip()  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        if self.refused.get("file") == upload_handlers.TOO_LARGE:
            raise ValidationError(services.too_large_message())
        if self.refused.get("file") == upload_handlers.NO_SPACE:
            raise ValidationError(services.no_space_message())
        if self.refused.get("file") == upload_handlers.NAME_TOO_LONG:
            raise ValidationError(services.REFUSAL_MESSAGES[Refusal.NAME])
        uploaded = self.cleaned_data.get("file")  # type: ignore[attr-defined]
        if uploaded is None and self.file_required:
            raise ValidationError(_("Choose a PDF or DOCX file."))
        return uploaded


def file_field() -> forms.FileField:
    return forms.FileField(
        label=_("File"),
        required=False,  # see UploadFormMixin.clean_file
        allow_empty_file=True,  # the checks say "empty" in their own words
        max_length=None,  # the checks say what is wrong with a long name
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )


class DocumentUploadForm(UploadFormMixin, forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    file = file_field()


class NewVersionForm(UploadFormMixin, forms.Form):
    file = file_field()


class EvidenceForm(UploadFormMixin, forms.ModelForm):
    file_required = False
    file = file_field()
    link = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",  # "example.go.id/x" means https://, as in Django 6
        help_text=_("A public page that shows the program, e.g. the OPD's site."),
    )

    class Meta:
        model = EvidenceItem
        fields = [
            "indicator",
            "title",
            "description",
            "responsible_unit",
            "period_start",
            "period_end",
            "output_value",
            "outcome_value",
            "unit",
            "link",
            "is_quick_win",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, submission: Submission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = submission.edit_scope()
        indicators = Indicator.objects.filter(
            framework_id=submission.cycle.framework_id, part=Part.PRACTICE
        ).order_by("order")
        if scope.indicator_ids is not None:
            indicators = indicators.filter(pk__in=scope.indicator_ids)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].label_from_instance = str

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period ends before it starts."))
        has_file = data.get("file") or (self.instance.pk and self.instance.file_id)
        if not data.get("link") and not has_file and "file" not in self.refused:
            raise ValidationError(_("Give a link, attach a file, or both."))
        return data

    def evidence_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
