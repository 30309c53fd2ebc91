from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.services import Filters
from regions.models import Province, Region


class DashboardFilterForm(forms.Form):
    """The dashboard's filters; a value that is not one of the choices is
    reported next to its field and the unfiltered view is shown."""

    cycle = forms.TypedChoiceField(label=_("Cycle"), coerce=int, required=False)
    cohort = forms.TypedChoiceField(
        label=_("Cohort year"),
        coerce=int,
        required=False,
        choices=[
            ("", _("All cohorts")),
            (2017, "2017"),
            (2018, "2018"),
            (2019, "2019"),
        ],
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Kabupaten and kota")), *Region.Kind.choices],
    )

    def __init__(self, *args, cycles=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [("", _("Latest"))] + [
            (cycle.pk, cycle.name) for cycle in cycles
        ]
        provinces = Province.objects.order_by("name").values_list("code", "name")
        self.fields["province"].choices = [("", _("All provinces")), *provinces]

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            cohort_year=data.get("cohort") or None,
            province_code=data.get("province") or None,
            kind=data.get("kind") or None,
        )
