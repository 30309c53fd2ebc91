"""Public pages about the weights: the method page (the effective share of each
dimension, readiness element and aspect) and the weights explorer of a
published release (page, and the JSON its script recomputes from)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from assessments.models import Cycle
from scoring import attainable, explorer
from scoring.models import Release


def _release(cycle: int, number: int) -> Release:
    found = get_object_or_404(Cycle, pk=cycle)
    return get_object_or_404(Release, cycle=found, number=number)


@require_safe
def method(request: HttpRequest) -> HttpResponse:
    framework = explorer.method_framework()
    shares = explorer.method_shares(framework) if framework else None
    top = (
        shares["tables"]["dimension"][0]
        if shares and shares["tables"]["dimension"]
        else None
    )
    return render(
        request,
        "scoring/method.html",
        {
            "framework": framework,
            "shares": shares,
            "top": top,
            "about_half": bool(top and 0.45 <= top["share"] <= 0.55),
            "releases": Release.objects.filter(cycle__isnull=False)
            .select_related("cycle")
            .order_by("-published_at")[:5],
        },
    )


@require_safe
def explorer_page(request: HttpRequest, cycle: int, number: int) -> HttpResponse:
    release = _release(cycle, number)
    _, source = explorer.weight_ranges(release)
    return render(
        request,
        "scoring/explorer.html",
        {"release": release, "cycle": release.cycle, "ranges_source": source},
    )


@require_safe
def explorer_data(request: HttpRequest, cycle: int, number: int) -> JsonResponse:
    release = _release(cycle, number)
    try:
        data = explorer.explorer_data(release)
    except ValueError as error:  # ranges that do not fit the weights
        raise Http404(str(error)) from error
    if not data["attainable_ready"] and attainable.request(release):
        # Asked for the first time; a worker running in-process (the demo
        # without Redis) has already stored them.
        data = explorer.explorer_data(release)
    return JsonResponse(data)
