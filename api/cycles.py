"""`?cycle=` in every API list that filters by cycle: a year or an id.

The rule, documented once in the README's API section and in the OpenAPI
parameter: a value of exactly 4 digits from 2000 to 2999 is a cycle **year**;
any other positive whole number is a cycle **id**. (Cycle ids stay far below
2000, and years outside 2000-2999 are not used, so no value means both.)
Anything else, or a number too large for an id, is refused with a 400 naming
the `cycle` field.
"""

from __future__ import annotations

import re

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

MAX_ID = 2**31 - 1
_YEAR = re.compile(r"[2]\d{3}")
DESCRIPTION = (
    "Cycle year or id: exactly 4 digits from 2000 to 2999 is a year (e.g. 2017), "
    "any other positive whole number is a cycle id."
)
MESSAGE = _(
    "Give a cycle year (4 digits 2000-2999, e.g. 2017) or a cycle id "
    "(a positive whole number)."
)


def cycle_q(value: str, prefix: str = "cycle") -> Q:
    """The filter for a `?cycle=` value; ValidationError under `cycle` if bad."""
    value = (value or "").strip()
    if _YEAR.fullmatch(value):
        return Q(**{f"{prefix}__year": int(value)})
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return Q(**{f"{prefix}_id": int(value)})
    raise ValidationError({"cycle": [MESSAGE]})


def cycle_parameter(required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(
        "cycle", OpenApiTypes.INT, required=required, description=DESCRIPTION
    )


class CycleFilter(django_filters.Filter):
    """A FilterSet field for `?cycle=` following the rule above."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value in (None, ""):
            return qs
        return qs.filter(cycle_q(str(value), self.field_name))


def cycle_filterset(model_class: type, *fields: str) -> type[django_filters.FilterSet]:
    """A FilterSet for `model_class` with `?cycle=` (year or id) plus `fields`."""
    meta = type("Meta", (), {"model": model_class, "fields": ["cycle", *fields]})
    return type(
        f"{model_class.__name__}CycleFilterSet",
        (django_filters.FilterSet,),
        {
            "Meta": meta,
            "cycle": CycleFilter(field_name="cycle", label=DESCRIPTION),
        },
    )
