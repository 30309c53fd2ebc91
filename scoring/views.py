"""Published results for everyone; computed (unpublished) results, runs and
publishing for ministry admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import role_required
from assessments.models import Band, Cycle
from dashboards import display
from regions.models import Region
from scoring import preview, run_reasons, services
from scoring.models import RegionResult, Release, ScoreRun


def _release_rows(release: Release) -> list[dict]:
    """The release's regions as the public ranking shows them: ranked regions
    by tied group then point rank, then the unranked (dashboards.display)."""
    content = release.content
    names = dict(
        Region.objects.filter(
            code__in=[row["region"] for row in content["regions"]]
        ).values_list("code", "name")
    )
    bands = {
        band.code: band.name
        for band in Band.objects.filter(framework__code=release.framework_code)
    }
    rows = []
    for row in content["regions"]:
        shown = display.labels(row, content)
        rows.append(
            dict(
                row,
                **shown,
                name=names.get(row["region"], row["region"]),
                band_name=bands.get(shown["band_shown"], shown["band_shown"]),
            )
        )
    return sorted(
        rows,
        key=lambda r: display.sort_key(r, r["ranks"]["rank_national"], r["name"]),
    )


def results(request: HttpRequest) -> HttpResponse:
    """The latest published release of each cycle that has one."""
    releases = [
        release
        for cycle in Cycle.objects.filter(releases__isnull=False).distinct()
        if (release := Release.objects.latest_for(cycle))
    ]
    for found in releases:
        found.caveat = display.caveat(found.content)
        found.progress_text = display.progress_text(found.content)
    return render(request, "scoring/results.html", {"releases": releases})


def release(
    request: HttpRequest, cycle: int, number: int | None = None
) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=cycle)
    releases = Release.objects.filter(cycle=cycle).order_by("-number")
    found = get_object_or_404(releases, number=number) if number else releases.first()
    if found is None:
        raise Http404
    return render(
        request,
        "scoring/release.html",
        {
            "cycle": cycle,
            "release": found,
            "rows": _release_rows(found),
            "releases": releases.only("number", "kind", "published_at", "cycle"),
            "checksum_ok": services.checksum_of(found) == found.checksum,
            "caveat": display.caveat(found.content),
            "progress_text": display.progress_text(found.content),
            "sensitivity": any(
                row.get("index_adjusted") is not None
                for row in found.content["regions"]
            ),
        },
    )


def _severity(latest: ScoreRun | None) -> list[dict]:
    """Each reviewer's severity from the latest run's stats (admins only:
    templates/scoring/_severity.html), most severe first, with the username."""
    rows = (latest.stats.get("severity") or []) if latest else []
    names = dict(
        User.objects.filter(pk__in=[row.get("reviewer") for row in rows]).values_list(
            "pk", "username"
        )
    )
    return sorted(
        (dict(row, name=names.get(row.get("reviewer"), "?")) for row in rows),
        key=lambda row: (row.get("severity") is None, row.get("severity") or 0),
    )


def percent(share) -> str:
    """A share (0..1) as a whole percentage, a dash when there is none; the
    template's widthratio printed a bare "%" for a missing value."""
    return "\u2013" if share is None else f"{round(float(share) * 100)}%"


def _computed(cycle: Cycle) -> list[RegionResult]:
    """The cycle's computed results with the band's name and coverage in %."""
    bands = {
        band.code: band.name for band in Band.objects.filter(framework=cycle.framework)
    }
    results = list(RegionResult.objects.filter(cycle=cycle).select_related("region"))
    for result in results:
        result.band_name = bands.get(result.band, result.band)
        result.coverage_percent = percent(result.coverage)
    return results


@login_required
@role_required(Role.ADMIN)
def console(request: HttpRequest) -> HttpResponse:
    cycle = Cycle.objects.select_related("framework").current()
    if cycle is None:
        return render(request, "scoring/console.html", {"cycle": None})
    runs = list(ScoreRun.objects.filter(cycle=cycle)[:10])
    places = run_reasons.region_names(run.reason for run in runs)
    for run in runs:
        run.asked_by = run_reasons.describe(run.reason, places)
    latest = next((run for run in runs if run.status == ScoreRun.Status.DONE), None)
    leniency = latest.stats.get("leniency", []) if latest else []
    names = dict(
        User.objects.filter(pk__in=[row["reviewer"] for row in leniency]).values_list(
            "pk", "username"
        )
    )
    return render(
        request,
        "scoring/console.html",
        {
            "cycle": cycle,
            "runs": runs,
            "latest": latest,
            "leniency": [
                dict(row, name=names.get(row["reviewer"], "?")) for row in leniency
            ],
            "results": _computed(cycle),
            "releases": Release.objects.filter(cycle=cycle).order_by("-number"),
            "severity": _severity(latest),
        },
    )


@login_required
@require_POST
@role_required(Role.ADMIN)
def recompute(request: HttpRequest) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=request.POST.get("cycle"))
    services.request_recompute(cycle, f"admin {request.user.get_username()}")
    messages.success(request, _("The recomputation is queued."))
    return redirect("scoring:console")


def _preview_page(
    request: HttpRequest, cycle: Cycle, final: bool, shown: preview.Preview, stale=False
) -> HttpResponse:
    """The confirmation step: what the publish would change, and the form
    that confirms it with the previewed content's checksum."""
    bands = {
        band.code: band.name for band in Band.objects.filter(framework=cycle.framework)
    }

    def side(values: dict | None) -> dict | None:
        if values is None:
            return None
        return dict(values, band_name=bands.get(values["band"], values["band"]))

    changes = [
        {
            "region": c.region,
            "name": c.name,
            "before": side(c.before),
            "after": side(c.after),
        }
        for c in shown.changes
    ]
    return render(
        request,
        "scoring/publish_preview.html",
        {
            "cycle": cycle,
            "final": final,
            "preview": shown,
            "changes": changes,
            "stale": stale,
            "makes_final": bool(
                final
                and shown.latest is not None
                and shown.latest.kind == Release.Kind.PROVISIONAL
            ),
        },
        status=409 if stale else 200,
    )


@login_required
@require_POST
@role_required(Role.ADMIN)
def publish(request: HttpRequest) -> HttpResponse:
    """First POST: the preview. Second POST (with the previewed checksum): the
    publish, or, if the content changed in between, nothing and a new preview."""
    cycle = get_object_or_404(
        Cycle.objects.select_related("framework"), pk=request.POST.get("cycle")
    )
    final = request.POST.get("kind") == "final"
    expected = request.POST.get("checksum", "")
    try:
        if not expected:
            return _preview_page(request, cycle, final, preview.preview(cycle))
        found = preview.publish_confirmed(
            cycle=cycle, final=final, by=request.user, expected=expected
        )
    except preview.Stale as stale:
        return _preview_page(request, cycle, final, stale.preview, stale=True)
    except services.ReleaseError as error:
        messages.error(request, error.message)
        return redirect("scoring:console")
    if getattr(found, "unchanged", False):
        messages.info(
            request,
            _("No changes since release %(number)s: nothing new was published.")
            % {"number": found.number},
        )
    else:
        messages.success(
            request,
            _("Release %(number)s (%(kind)s) is published.")
            % {"number": found.number, "kind": found.get_kind_display().lower()},
        )
    return redirect("scoring:release", cycle=cycle.pk, number=found.number)
