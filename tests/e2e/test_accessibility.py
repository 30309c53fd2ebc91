"""axe-core on every page type, in Indonesian and English, on a desktop
(1366x768) and a phone (390x844): any serious or critical violation fails.

axe-core is vendored (tests/e2e/vendor/axe.min.js, its licence beside it) and
injected with page.evaluate, so the page's Content-Security-Policy stays on."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.services import create_user
from regions.models import Region
from reviews.models import Review
from scoring import services as scoring_services
from submissions import services as submission_services
from submissions.demo_documents import masterplan_pdf
from submissions.models import DocumentType
from tests.scoring.conftest import scored_cycle
from tests.submissions.conftest import upload_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
PASSWORD = "kata-sandi-uji-1"
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def world(committed_data, tmp_path, settings):
    """A published release of the 2017 pilots; Kota Tangerang Selatan's
    official with a masterplan in a draft submission; scorer-1's review of it
    reopened as a draft; an admin."""
    settings.MEDIA_ROOT = tmp_path / "media"
    pilots = list(
        Region.objects.in_cohort(2017).order_by("code").values_list("code", flat=True)
    )
    cycle = scored_cycle(pilots)
    scoring_services.publish(cycle=cycle, final=False)
    region = Region.objects.get(code="36.74")
    official = create_user(
        username="official-3674", password=PASSWORD, role=Role.OFFICIAL, region=region
    )
    submission = submission_services.workspace_for(official, cycle)
    plan = tmp_path / "masterplan.pdf"
    plan.write_bytes(masterplan_pdf("Kota Tangerang Selatan", 2017))
    version = submission_services.upload_document(
        submission=submission,
        user=official,
        uploaded=upload_of(plan),
        doc_type=DocumentType.MASTERPLAN,
    )
    submission_services.process_stored_file(version.file_id)
    reviewer = create_user(
        username="reviewer-a11y", password=PASSWORD, role=Role.REVIEWER
    )
    review = Review.objects.filter(cycle=cycle, region=region).order_by("pk").first()
    Review.objects.filter(pk=review.pk).update(
        reviewer=reviewer, status=Review.Status.IN_PROGRESS
    )
    create_user(username="admin-a11y", password=PASSWORD, role=Role.ADMIN)
    return {
        "cycle": cycle,
        "submission": submission,
        "document": version.document_id,
        "review": review.pk,
    }


def pages_of(world) -> dict[str | None, list[str]]:
    """Page paths per account (None: a visitor)."""
    cycle, submission = world["cycle"].pk, world["submission"].pk
    return {
        None: [
            "/",
            "/regions/",
            "/regions/36.74/",
            "/dashboard/",
            "/regions/36.74/scorecard/",
            "/regions/11.01/scorecard/",  # not assessed
            "/results/",
            f"/results/{cycle}/",
            "/results/method/",
            "/accounts/login/",
            "/regions/99.99/",  # 404
        ],
        "official-3674": [
            "/workspace/",
            f"/workspace/{submission}/",
            f"/workspace/{submission}/documents/new/",
            f"/workspace/{submission}/documents/{world['document']}/",
            f"/workspace/{submission}/evidence/new/",
            f"/workspace/{submission}/submit/confirm/",
            "/notifications/",
        ],
        "reviewer-a11y": [
            "/reviews/",
            f"/reviews/{world['review']}/",
            "/dashboard/ministry/",
        ],
        "admin-a11y": [
            "/workspace/",
            "/reviews/assignments/",
            "/reviews/audit/",
            "/reviews/conflicts/",
            f"/reviews/cycle/{cycle}/region/36.74/",
            f"/reviews/appeals/{submission}/",
            "/results/console/",
            "/dashboard/ministry/",
        ],
    }


def serious_violations(page) -> list[str]:
    page.evaluate(AXE + "\n;void 0")
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.length + ' x '"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"
    )
    return result


def settled(page) -> None:
    """Charts drawn (when the page has them) before axe looks."""
    if page.locator("#charts").count():
        expect(page.locator("#charts")).to_have_attribute(
            "data-rendered", "true", timeout=20_000
        )


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_type_has_no_serious_axe_violation(
    browser, live_server, world, language, size
):
    width, height = SIZES[size]
    failures: list[str] = []
    visited = 0
    for account, paths in pages_of(world).items():
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if urlsplit(route.request.url).hostname in LOCAL_HOSTS
                else route.abort()
            ),
        )
        if account:
            log_in(page, live_server.url, account)
        for path in paths:
            response = page.goto(live_server.url + path)
            if response.status not in (200, 404):
                failures.append(f"{account or 'visitor'} {path}: {response.status}")
                continue
            expect(page.locator("html")).to_have_attribute("lang", language)
            settled(page)
            visited += 1
            for violation in serious_violations(page):
                failures.append(f"{account or 'visitor'} {path}: {violation}")
        context.close()
    assert visited == sum(len(paths) for paths in pages_of(world).values())
    assert not failures, "\n".join(failures)
