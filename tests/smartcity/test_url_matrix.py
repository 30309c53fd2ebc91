"""Every URL of the site x every role -> the status it answers.

The URLs come from the URL configuration itself: a URL added without a row in
EXPECTED fails `test_every_url_has_a_row`, so no page or endpoint can skip the
permission review. Objects belong to Kota Tangerang Selatan (36.74): its
official owns them, Kota Tangerang's official must get 404 (not 403: another
region's data does not exist for them), reviewers see what they are assigned
to, admins see everything. The back office (/admin/) is Django's own and is
covered by its staff check; it is listed once.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from accounts.services import create_user
from api import tokens
from notifications.models import Notification
from reviews.models import Appeal
from scoring import services as scoring_services
from submissions.models import EvidenceItem
from tests.scoring.conftest import scored_cycle

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "official", "other official", "reviewer", "unassigned", "admin")
LOGIN = 302  # anonymous: sent to the login page

# name -> (method, {role: status})
EXPECTED: dict[str, tuple[str, dict[str, int]]] = {}


METHODS = {
    **dict.fromkeys(
        [
            "api-token-revoke",
            "logout",
            "notifications:open",
            "notifications:read",
            "reviews:autosave",
            "reviews:balance",
            "reviews:consensus",
            "reviews:reopen",
            "reviews:revision",
            "reviews:submit",
            "scoring:publish",
            "scoring:recompute",
            "set_language",
            "submission-documents",
            "submission-evidence",
            "submissions:submit",
        ],
        "POST",
    ),
    "submission-evidence-item": "PUT",
    "review-detail": "GET",
}


def row(name: str, method: str, *statuses: int) -> None:
    """Statuses in the order of ROLES."""
    EXPECTED[name] = (method, dict(zip(ROLES, statuses, strict=True)))


# Anonymous, official (36.74), other official (36.71), assigned reviewer,
# unassigned reviewer, admin. 302 for anonymous is the login page (or the
# admin's); 405: the URL takes another method; POSTs are sent empty.
row("admin:index", "GET", 302, 302, 302, 302, 302, 200)
row("api-docs", "GET", 200, 200, 200, 200, 200, 200)
row("api-root", "GET", 200, 200, 200, 200, 200, 200)
row("api-token-revoke", "POST", 302, 302, 404, 404, 404, 404)
row("api-tokens", "GET", 302, 200, 200, 200, 200, 200)
row("assignment-detail", "GET", 401, 404, 404, 200, 404, 200)
row("assignment-list", "GET", 401, 200, 200, 200, 200, 200)
row("cycle-detail", "GET", 200, 200, 200, 200, 200, 200)
row("cycle-list", "GET", 200, 200, 200, 200, 200, 200)
row("dashboards:columns", "GET", 200, 200, 200, 200, 200, 200)
row("dashboards:dashboard", "GET", 200, 200, 200, 200, 200, 200)
row("dashboards:data", "GET", 200, 200, 200, 200, 200, 200)
row("dashboards:find-scorecard", "GET", 302, 302, 302, 302, 302, 302)
row("dashboards:ministry", "GET", 302, 404, 404, 200, 200, 200)
row("dashboards:ministry-data", "GET", 302, 404, 404, 200, 200, 200)
row("dashboards:release-export", "GET", 200, 200, 200, 200, 200, 200)
row("dashboards:reviews-export", "GET", 302, 404, 404, 404, 404, 200)
row("dashboards:scorecard", "GET", 200, 200, 200, 200, 200, 200)
row("dashboards:scorecard-data", "GET", 200, 200, 200, 200, 200, 200)
row("framework-detail", "GET", 200, 200, 200, 200, 200, 200)
row("framework-list", "GET", 200, 200, 200, 200, 200, 200)
row("healthz", "GET", 200, 200, 200, 200, 200, 200)
row("home", "GET", 200, 200, 200, 200, 200, 200)
row("login", "GET", 200, 200, 200, 200, 200, 200)
row("logout", "POST", 302, 302, 302, 302, 302, 302)
row("notifications:list", "GET", 302, 200, 200, 200, 200, 200)
row("notifications:open", "POST", 302, 404, 404, 302, 404, 404)
row("notifications:read", "POST", 302, 302, 302, 302, 302, 302)
row("readyz", "GET", 200, 200, 200, 200, 200, 200)
row("region-detail", "GET", 200, 200, 200, 200, 200, 200)
row("region-list", "GET", 200, 200, 200, 200, 200, 200)
row("regions:detail", "GET", 200, 200, 200, 200, 200, 200)
row("regions:list", "GET", 200, 200, 200, 200, 200, 200)
row("release-detail", "GET", 200, 200, 200, 200, 200, 200)
row("release-list", "GET", 200, 200, 200, 200, 200, 200)
row("release-package", "GET", 200, 200, 200, 200, 200, 200)
row("release-region-score", "GET", 200, 200, 200, 200, 200, 200)
row("release-scores", "GET", 200, 200, 200, 200, 200, 200)
row("review-detail", "GET", 401, 404, 404, 200, 404, 200)
row("reviews:appeal", "GET", 302, 404, 404, 200, 404, 200)
row("reviews:appeals", "GET", 302, 200, 404, 200, 200, 200)
row("reviews:assignments", "GET", 302, 404, 404, 404, 404, 200)
row("reviews:audit", "GET", 302, 404, 404, 404, 404, 200)
row("reviews:autosave", "POST", 302, 404, 404, 400, 404, 400)
row("reviews:balance", "POST", 302, 404, 404, 404, 404, 302)
row("reviews:conflicts", "GET", 302, 404, 404, 200, 200, 404)
row("reviews:consensus", "POST", 302, 404, 404, 302, 404, 302)
row("reviews:queue", "GET", 302, 404, 404, 200, 200, 302)
row("reviews:region", "GET", 302, 404, 404, 200, 404, 200)
row("reviews:reopen", "POST", 302, 404, 404, 404, 404, 302)
row("reviews:review", "GET", 302, 404, 404, 200, 404, 200)
row("reviews:revision", "POST", 302, 404, 404, 302, 404, 302)
# Without confirmed=1 a submit shows the summary to confirm (200).
row("reviews:submit", "POST", 302, 404, 404, 200, 404, 200)
row("schema", "GET", 200, 200, 200, 200, 200, 200)
row("score-list", "GET", 400, 400, 400, 400, 400, 400)
row("scoring:console", "GET", 302, 404, 404, 404, 404, 200)
row("scoring:latest", "GET", 200, 200, 200, 200, 200, 200)
row("scoring:method", "GET", 200, 200, 200, 200, 200, 200)
row("scoring:explorer", "GET", 200, 200, 200, 200, 200, 200)
row("scoring:explorer-data", "GET", 200, 200, 200, 200, 200, 200)
row("scoring:publish", "POST", 302, 404, 404, 404, 404, 404)
row("scoring:recompute", "POST", 302, 404, 404, 404, 404, 404)
row("scoring:release", "GET", 200, 200, 200, 200, 200, 200)
row("scoring:results", "GET", 200, 200, 200, 200, 200, 200)
row("set_language", "POST", 302, 302, 302, 302, 302, 302)
row("submission-detail", "GET", 401, 200, 404, 200, 200, 200)
row("submission-documents", "POST", 401, 400, 404, 403, 403, 403)
row("submission-download", "GET", 401, 200, 404, 200, 200, 200)
row("submission-evidence", "POST", 401, 400, 404, 403, 403, 403)
row("submission-evidence-download", "GET", 401, 200, 404, 200, 200, 200)
row("submission-evidence-item", "PUT", 401, 400, 404, 403, 403, 403)
row("submission-list", "GET", 401, 200, 200, 200, 200, 200)
row("submissions:detail", "GET", 302, 200, 404, 200, 200, 200)
row("submissions:document", "GET", 302, 200, 404, 200, 200, 200)
row("submissions:download", "GET", 302, 200, 404, 200, 200, 200)
row("submissions:evidence_download", "GET", 302, 200, 404, 200, 200, 200)
row("submissions:evidence_edit", "GET", 302, 200, 404, 403, 403, 403)
row("submissions:evidence_new", "GET", 302, 200, 404, 403, 403, 403)
row("submissions:page", "GET", 302, 200, 404, 200, 200, 200)
row("submissions:status", "GET", 302, 200, 404, 200, 200, 200)
row("submissions:submit", "POST", 302, 302, 404, 403, 403, 403)
# The matrix's submission is already submitted: its official is sent back.
row("submissions:confirm_submit", "GET", 302, 302, 404, 403, 403, 403)
row("submissions:upload", "GET", 302, 200, 404, 403, 403, 403)
row("submissions:workspace", "GET", 302, 302, 302, 200, 200, 200)


def walk(patterns, namespace: str = ""):
    """(name, argument names) of every named URL; the back office once."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:index", []
                continue
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            arguments = list(pattern.pattern.regex.groupindex)
            if "format" in arguments:
                continue  # `.json`/`.csv` suffixes answer like the plain URL
            yield (
                f"{namespace}:{pattern.name}" if namespace else pattern.name,
                arguments,
            )


def urls() -> dict[str, list[str]]:
    return dict(walk(get_resolver().url_patterns))


def url_names() -> set[str]:
    return set(urls())


def test_every_url_has_a_row():
    missing = sorted(url_names() - set(EXPECTED))
    assert not missing, f"add these URLs to the permission matrix: {missing}"
    stale = sorted(set(EXPECTED) - url_names())
    assert not stale, f"these rows name no URL any more: {stale}"


@pytest.fixture
def world(panel, official, other_official, admin_user, masterplan_pdf):
    """One of everything, in Kota Tangerang Selatan's submission."""
    submission = panel[0].cycle.submissions.get(region_id="36.74")
    version = submission.documents.get().versions.get()
    item = EvidenceItem.objects.create(
        submission=submission,
        indicator=submission.cycle.framework.indicators.filter(part="practice").first(),
        title="Aplikasi",
        responsible_unit="Diskominfo",
        period_start="2017-01-01",
        period_end="2017-12-31",
        file=version.file,
        file_name="bukti.pdf",
        created_by=official,
    )
    appeal = Appeal.objects.create(
        submission=submission,
        indicator=item.indicator,
        reason="Dokumen sudah ada.",
        filed_by=official,
    )
    release = scoring_services.publish(
        cycle=scored_cycle(["36.74", "36.71"], name="Scored"), final=False
    )
    token, _raw = tokens.issue(user=official, name="matrix", scope="read")
    unassigned = create_user(username="rev-none", password="pw-x-1", role=Role.REVIEWER)
    people = {
        "anonymous": None,
        "official": official,
        "other official": other_official,
        "reviewer": panel[0].reviewer,
        "unassigned": unassigned,
        "admin": admin_user,
    }
    review = panel[0]
    notification = Notification.objects.filter(user=review.reviewer).first()
    params = {
        "pk": submission.pk,
        "doc": version.document_id,
        "version": version.pk,
        "number": 1,
        "item": item.pk,
        "code": "36.74",
        "cycle": submission.cycle_id,
        "region": "36.74",
        "submission": submission.pk,
        "fmt": "csv",
    }
    special = {
        "reviews:review": {"pk": review.pk},
        "reviews:autosave": {"pk": review.pk},
        "reviews:submit": {"pk": review.pk},
        "reviews:reopen": {"pk": review.pk},
        "reviews:appeal": {"pk": appeal.pk},
        "notifications:open": {"pk": notification.pk},
        "scoring:latest": {"cycle": release.cycle_id},
        "scoring:release": {"cycle": release.cycle_id, "number": release.number},
        "scoring:explorer": {"cycle": release.cycle_id, "number": release.number},
        "scoring:explorer-data": {
            "cycle": release.cycle_id,
            "number": release.number,
        },
        "release-detail": {"pk": release.pk},
        "release-scores": {"pk": release.pk},
        "release-package": {"pk": release.pk},
        "release-region-score": {"pk": release.pk, "code": "36.74"},
        "cycle-detail": {"pk": submission.cycle_id},
        "framework-detail": {"pk": submission.cycle.framework_id},
        "assignment-detail": {"pk": review.pk},
        "review-detail": {"pk": review.pk},
        "api-token-revoke": {"pk": token.pk},
        "dashboards:reviews-export": {"fmt": "csv"},
    }
    return people, params, special


def url_for(name: str, params: dict, special: dict) -> str:
    kwargs = special.get(name)
    if kwargs is None:
        kwargs = {key: params[key] for key in urls()[name]}
    return reverse(name, kwargs=kwargs)


def call(user, method: str, url: str) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    if method == "PUT":
        response = client.put(url, data="{}", content_type="application/json")
    elif method == "POST":
        response = client.post(url)
    else:
        response = client.get(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


def test_the_permission_matrix(world):
    people, params, special = world
    wrong = []
    for name in sorted(url_names()):
        method, statuses = EXPECTED.get(name, (METHODS.get(name, "GET"), {}))
        url = url_for(name, params, special)
        got = [call(people[role], method, url) for role in ROLES]
        expected = [statuses.get(role) for role in ROLES]
        if got != expected:
            wrong.append(
                f"{method} {url}: got {got}, expected {expected}\n"
                f'  row("{name}", "{method}", {", ".join(map(str, got))})'
            )
    assert not wrong, "\n".join(wrong)


def test_uploaded_files_are_never_served_inline(world):
    people, params, special = world
    for name in (
        "submissions:download",
        "submissions:evidence_download",
        "submission-download",
        "submission-evidence-download",
    ):
        client = Client()
        client.force_login(people["official"])
        response = client.get(url_for(name, params, special))
        assert response.status_code == 200, name
        assert response["Content-Disposition"].startswith("attachment;"), name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert "sandbox" in response["Content-Security-Policy"], name
        assert re.search(
            r"script-src 'none'|default-src 'none'", response["Content-Security-Policy"]
        )
