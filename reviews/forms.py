from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from assessments.models import Indicator
from regions.models import Region
from reviews.services import AnswerInput, ReviewError

NO_EVIDENCE = "none"


def _number(raw: str, code: str, what: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ReviewError(
            _("%(code)s: %(what)s must be a whole number.")
            % {"code": code, "what": what}
        )
    return int(raw)


def parse_answers(
    data: Mapping[str, str], indicators: Iterable[Indicator]
) -> dict[int, AnswerInput]:
    """The scoring form's fields (level-<id>, comment-<id>, cite-<id>, page-<id>)
    as answers; a malformed value is refused naming the indicator."""
    answers = {}
    for indicator in indicators:
        pk, code = indicator.pk, indicator.code
        raw_level = (data.get(f"level-{pk}") or "").strip()
        no_evidence = raw_level == NO_EVIDENCE
        level = None if no_evidence else _number(raw_level, code, _("the level"))
        answers[pk] = AnswerInput(
            level=level,
            no_evidence=no_evidence,
            comment=data.get(f"comment-{pk}", "")[:5000],
            cited_version=_number(data.get(f"cite-{pk}", ""), code, _("the document")),
            cited_page=_number(data.get(f"page-{pk}", ""), code, _("the page")),
        )
    return answers


def indicator_choices(indicators: Iterable[Indicator]) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(i.pk), f"{i.code} {i.name}") for i in indicators]


class ConsensusForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.TypedChoiceField(
        label=gettext_lazy("Consensus level"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
    )
    rationale = forms.CharField(
        label=gettext_lazy("Rationale"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RevisionForm(forms.Form):
    """Up to five indicators sent back, each with its reason."""

    ROWS = 5

    def __init__(self, *args: Any, indicators: Iterable[Indicator], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.indicators = {str(i.pk): i for i in indicators}
        choices = indicator_choices(self.indicators.values())
        for row in range(self.ROWS):
            self.fields[f"indicator_{row}"] = forms.ChoiceField(
                label=gettext_lazy("Indicator"), choices=choices, required=False
            )
            self.fields[f"reason_{row}"] = forms.CharField(
                label=gettext_lazy("Reason"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"indicator_{n}"], self[f"reason_{n}"]) for n in range(self.ROWS)]

    def items(self) -> list[tuple[Indicator, str]]:
        items = []
        for row in range(self.ROWS):
            chosen = self.cleaned_data.get(f"indicator_{row}")
            reason = self.cleaned_data.get(f"reason_{row}", "").strip()
            if chosen:
                items.append((self.indicators[chosen], reason))
            elif reason:
                self.add_error(f"indicator_{row}", _("Choose the indicator."))
        return items


class AssignForm(forms.Form):
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=Region.objects.none()
    )
    reviewer = forms.ModelChoiceField(
        label=gettext_lazy("Reviewer"),
        queryset=User.objects.filter(groups__name=Role.REVIEWER).order_by("username"),
    )
    is_lead = forms.BooleanField(label=gettext_lazy("Lead reviewer"), required=False)

    def __init__(self, *args: Any, cycle: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = cycle.regions.order_by("code")


class AppealForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("Indicator"))
    reason = forms.CharField(
        label=gettext_lazy("Why should the level change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    link = forms.URLField(
        label=gettext_lazy("Link"), required=False, assume_scheme="https"
    )
    file = forms.FileField(
        label=gettext_lazy("Supporting file (PDF or DOCX)"),
        required=False,
        allow_empty_file=True,
        max_length=None,
    )

    def __init__(self, *args: Any, indicators: Iterable[Indicator], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.indicators = {str(i.pk): i for i in indicators}
        self.fields["indicator"].choices = indicator_choices(self.indicators.values())


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("upheld", gettext_lazy("Uphold, with a new level")),
            ("rejected", gettext_lazy("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    new_level = forms.TypedChoiceField(
        label=gettext_lazy("New level"),
        choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    rationale = forms.CharField(
        label=gettext_lazy("Rationale"), widget=forms.Textarea(attrs={"rows": 4})
    )
    # Set by the confirmation step: a decision is final, so the first POST
    # shows what it will do and only the second records it.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("outcome") == "upheld" and data.get("new_level") is None:
            self.add_error(
                "new_level", _("An upheld appeal needs the new level, 1 to 5.")
            )
        return data


class ConflictForm(forms.Form):
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.select_related("province").order_by("code"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("E.g. family, employment or a consultancy there."),
    )


class AuditFilterForm(forms.Form):
    """The audit trail's filters (GET): a region by code or part of its name,
    who gave the score (part of a user name or full name) and a date range in
    WIB, both ends included."""

    region = forms.CharField(
        label=gettext_lazy("Region (code or name)"), required=False, max_length=100
    )
    who = forms.CharField(label=gettext_lazy("Who"), required=False, max_length=150)
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data
