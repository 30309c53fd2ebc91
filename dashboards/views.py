"""The public dashboard and region scorecards, the ministry's review
dashboard, and the exports. Pages are HTML with empty chart slots; one static
script per page fills them from the page's JSON data endpoint."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.services import role_of
from assessments.models import Cycle
from dashboards import exports, services
from dashboards.forms import DashboardFilterForm
from dashboards.services import Filters, published
from regions.models import Region
from scoring.models import Release

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _form_and_release(
    request: HttpRequest, cycles: list[Cycle] | None = None
) -> tuple[DashboardFilterForm, Release]:
    if cycles is None:
        cycles = services.published_cycles()
    form = DashboardFilterForm(request.GET or None, cycles=cycles)
    cycle = None
    if form.is_valid() and form.cleaned_data.get("cycle"):
        cycle = next(c for c in cycles if c.pk == form.cleaned_data["cycle"])
    release = services.latest_release(cycle)
    if release is None:
        raise Http404
    return form, release


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    cycles = services.published_cycles()
    if not cycles:
        return render(request, "dashboards/empty.html")
    form, release = _form_and_release(request, cycles)
    data = services.dashboard(release, form.filters())
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "form": form,
            "release": release,
            "summary": data["summary"],
            "caveat": data["caveat"],
            "regions": sorted(data["regions"], key=lambda row: row[1]),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def dashboard_data(request: HttpRequest) -> HttpResponse:
    """The dashboard's charts: the release's pre-rendered bytes (or 304).
    The filters read as the page's form reads them (any invalid value: the
    unfiltered view of the latest release), without the form's queries."""
    filters, cycle_id = services.requested_filters(request.GET)
    release = None
    if cycle_id is not None:
        release = services.latest_release(cycle_id=cycle_id)
        if release is None:  # not a published cycle: the form's invalid case
            filters = Filters()
    release = release or services.latest_release()
    if release is None:
        raise Http404
    return published.respond(request, services.dashboard_bytes(release, filters))


@require_GET
def release_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, release = _form_and_release(request)
    name = f"{slugify(release.cycle.name)}-rilis-{release.number}.{fmt}"
    return _download(services.release_export(release, fmt), fmt, name)


def _download(body: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def find_scorecard(request: HttpRequest) -> HttpResponse:
    """The dashboard's "open a scorecard" form (works without JavaScript)."""
    code = request.GET.get("region", "")
    if not Region.objects.filter(code=code).exists():
        return redirect("dashboards:dashboard")
    return redirect("dashboards:scorecard", code=code)


def _scorecard_release(request: HttpRequest, region: Region) -> Release:
    cycle = request.GET.get("cycle", "")
    if cycle and not cycle.isdigit():
        raise Http404
    release = services.scorecard_release(region, int(cycle) if cycle else None)
    if release is None:
        raise Http404
    return release


@require_GET
def scorecard(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region.objects.with_province(), code=code)
    try:
        release = _scorecard_release(request, region)
    except Http404:
        return render(
            request, "dashboards/scorecard_empty.html", {"region": region}, status=404
        )
    data = services.scorecard(region, release)
    card = data["card"]
    return render(
        request,
        "dashboards/scorecard.html",
        {
            "region": region,
            "release": release,
            "card": card,
            "band_name": data["band_name"],
            "ranks": [
                dict(
                    rank,
                    label=services.RANK_GROUPS.get(rank["group"], rank["group"]),
                    tie_label=texts["tie"],
                    range_label=texts["range"],
                )
                for rank, texts in zip(card["ranks"], data["rank_labels"], strict=True)
            ],
            "status": dict(data["status"], whole_reviews=data["whole_reviews"]),
            "caveat": data["caveat"],
            "history": data["history"],
            "indicators": data["indicators"],
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def scorecard_data(request: HttpRequest, code: str) -> HttpResponse:
    """A scorecard's charts: pre-rendered bytes (or 304)."""
    region = get_object_or_404(Region, code=code)
    found = services.scorecard_bytes(region, _scorecard_release(request, region))
    return published.respond(request, found)


def _ministry_cycle(request: HttpRequest) -> Cycle:
    if role_of(request.user) not in (Role.ADMIN, Role.REVIEWER):
        raise Http404
    cycles = Cycle.objects.select_related("framework")
    value = request.GET.get("cycle", "")
    if value:
        if not value.isdigit():
            raise Http404
        return get_object_or_404(cycles, pk=int(value))
    cycle = cycles.current() or cycles.first()
    if cycle is None:
        raise Http404
    return cycle


@login_required
@require_GET
def ministry(request: HttpRequest) -> HttpResponse:
    cycle = _ministry_cycle(request)
    data = services.ministry(cycle)
    return render(
        request,
        "dashboards/ministry.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.all(),
            "data": data,
            "is_admin": role_of(request.user) == Role.ADMIN,
            "review_columns": exports.REVIEW_COLUMNS,
        },
    )


@login_required
@require_GET
def ministry_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse(services.ministry(_ministry_cycle(request)))


@login_required
@require_GET
def reviews_export(request: HttpRequest, fmt: str) -> HttpResponse:
    cycle = _ministry_cycle(request)
    if role_of(request.user) != Role.ADMIN:
        raise Http404
    name = f"{slugify(cycle.name)}-penilaian.{fmt}"
    return _download(services.reviews_export(cycle, fmt), fmt, name)


@require_GET
def export_columns(request: HttpRequest) -> HttpResponse:
    """What each column of the exports means."""
    return render(
        request,
        "dashboards/columns.html",
        {
            "release_columns": exports.RELEASE_COLUMNS,
            "review_columns": exports.REVIEW_COLUMNS,
        },
    )
