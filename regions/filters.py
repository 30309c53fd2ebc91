import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from regions.models import ProgramMembership, Province, Region


def _cohort_years() -> list[tuple[int, int]]:
    years = ProgramMembership.objects.order_by("year").values_list("year", flat=True)
    return [(year, year) for year in years.distinct()]


class RegionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, capital or code")}
        ),
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        empty_label=_("All provinces"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Region.Kind.choices, empty_label=_("All kinds")
    )
    cohort = django_filters.ChoiceFilter(
        label=_("Cohort year"),
        choices=_cohort_years,
        method="in_cohort",
        empty_label=_("All years"),
    )

    class Meta:
        model = Region
        fields = ["q", "province", "kind", "cohort"]

    def search(
        self, queryset: QuerySet[Region], name: str, value: str
    ) -> QuerySet[Region]:
        return queryset.search(value)

    def in_cohort(
        self, queryset: QuerySet[Region], name: str, value: str
    ) -> QuerySet[Region]:
        return queryset.in_cohort(int(value))
