"""A reviewer's whole flow in chromium: queue, scoring with the keyboard,
autosave, reload without loss, a dropped connection, submit, the other
reviewers' scores and the consensus; and a stale tab refused."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from accounts.services import create_user
from assessments import services as assessment_services
from assessments.models import FrameworkVersion, Indicator
from demo.documents import masterplan_pdf
from regions.models import Province, Region
from reviews import services
from reviews.models import Answer, Consensus, Review
from reviews.services import AnswerInput
from submissions import services as submission_services
from submissions.models import DocumentType
from tests.submissions.conftest import upload_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "kata-sandi-uji-1"


@pytest.fixture
def panel(committed_data, tmp_path, settings):
    """Kota Tangerang Selatan submitted; reviewer1 (lead) and two colleagues
    who already gave level 5 everywhere."""
    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    cycle = assessment_services.create_cycle(
        year=2017,
        name="Siklus uji 2017",
        framework=FrameworkVersion.objects.get(code="GM100SC-2017"),
        submissions_open=now - timedelta(days=1),
        submissions_close=now + timedelta(days=10),
        reviews_close=now + timedelta(days=20),
        appeals_close=now + timedelta(days=30),
        region_codes=["36.74"],
    )
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
    submission_services.submit(submission=submission, user=official)
    admin = create_user(username="admin", password=PASSWORD, role=Role.ADMIN)
    reviewers = [
        create_user(
            username=f"reviewer{n}",
            password=PASSWORD,
            role=Role.REVIEWER,
            home_province=Province.objects.get(code=code),
        )
        for n, code in ((1, "31"), (2, "32"), (3, "33"))
    ]
    reviews = [
        services.assign(cycle=cycle, region=region, reviewer=r, by=admin)
        for r in reviewers
    ]
    everything = Indicator.objects.filter(framework=cycle.framework)
    for review in reviews[1:]:
        saved = services.save_answers(
            review=review,
            user=review.reviewer,
            version=0,
            answers={i.pk: AnswerInput(level=5) for i in everything},
        )
        services.submit_review(
            review=saved, user=review.reviewer, version=saved.version
        )
    return reviews[0]


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_a_reviewer_scores_a_region_end_to_end(page, live_server, panel):
    log_in(page, live_server, "reviewer1")
    page.get_by_role("link", name="Penilaian saya").click()
    expect(page.locator("table")).to_contain_text("0/53")
    page.get_by_role("link", name="Kota Tangerang Selatan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Kota Tangerang Selatan"
    )
    first = page.locator("section.indicator").first
    expect(first.locator(".hints")).to_contain_text("halaman")  # pre-screen hint

    # Keyboard only: into the first level group, pick level 1, arrow to 2,
    # then comment, citation and page by Tab.
    first.get_by_role("radio").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(first.get_by_role("radio").nth(1)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("Layanan daring baru sebagian; lihat hlm. 6.")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("6")
    expect(page.locator("#save-status")).to_contain_text("Tersimpan", timeout=10_000)
    page.screenshot(path="test-results/review-form.png")

    page.reload()
    first = page.locator("section.indicator").first
    expect(first.get_by_role("radio").nth(1)).to_be_checked()
    expect(first.get_by_label("Komentar")).to_have_value(
        "Layanan daring baru sebagian; lihat hlm. 6."
    )
    expect(first.get_by_label("halaman")).to_have_value("6")

    # A dropped connection: the change waits in the browser and is sent later.
    second = page.locator("section.indicator").nth(1)
    page.context.set_offline(True)
    second.get_by_role("radio").nth(2).check()
    expect(page.locator("#save-status")).to_contain_text(
        "tidak ada koneksi", timeout=10_000
    )
    page.context.set_offline(False)
    expect(page.locator("#save-status")).to_contain_text("Tersimpan", timeout=40_000)
    assert Answer.objects.filter(review=panel).count() == 2

    # The rest: level 4 everywhere not yet answered, then submit.
    page.evaluate(
        """() => document.querySelectorAll('fieldset.levels').forEach(group => {
             if (!group.querySelector('input:checked')) {
               const four = group.querySelector('input[value="4"]');
               four.checked = true;
               four.dispatchEvent(new Event('change', {bubbles: true}));
             }
           })"""
    )
    expect(page.locator("#answered-count")).to_have_text("53", timeout=10_000)
    page.get_by_role("button", name="Kirim penilaian").click()
    # A summary first: every indicator has a level, nothing is sent yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirim penilaian ini?")
    expect(page.locator("#with-level")).to_have_text("53 / 53")
    expect(page.locator("#still-open")).to_have_count(0)
    assert not Review.objects.get(pk=panel.pk).is_submitted
    page.get_by_role("button", name="Ya, kirim penilaian").click()

    expect(page.get_by_role("status").first).to_contain_text("Penilaian Anda terkirim")
    expect(page.locator("tr.flagged")).to_have_count(2)  # 2 and 3 against 5; 4 is close
    row = page.locator("tr.flagged").first
    row.get_by_label("Level konsensus").select_option("4")
    row.get_by_label("Alasan").fill("Layanan daring tersedia di dua OPD (hlm. 6).")
    row.get_by_role("button", name="Catat konsensus").click()
    expect(page.get_by_role("status").first).to_contain_text("dicatat")
    assert Consensus.objects.get().level == 4
    assert Review.objects.get(pk=panel.pk).is_submitted


def test_a_stale_tab_cannot_overwrite_newer_answers(page, live_server, panel):
    log_in(page, live_server, "reviewer1")
    url = f"{live_server.url}/reviews/{panel.pk}/"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)

    page.locator("section.indicator").first.get_by_role("radio").nth(3).check()
    expect(page.locator("#save-status")).to_contain_text("Tersimpan", timeout=10_000)
    other.locator("section.indicator").first.get_by_role("radio").nth(0).check()

    expect(other.locator("#save-status")).to_contain_text(
        "disimpan di tempat lain", timeout=10_000
    )
    assert Answer.objects.get(review=panel).level == 4


def test_deciding_an_appeal_shows_what_it_will_do_before_recording_it(
    page, live_server, panel
):
    from django.contrib.auth.models import User

    from reviews.models import Appeal

    cycle = panel.cycle
    now = timezone.now()
    cycle.submissions_open = now - timedelta(days=20)
    cycle.submissions_close = now - timedelta(days=10)
    cycle.reviews_close = now - timedelta(minutes=1)  # the appeal window is open
    cycle.save()
    submission = panel.region.submissions.get()
    indicator = Indicator.objects.filter(framework=cycle.framework).order_by("order")[0]
    appeal = services.file_appeal(
        submission=submission,
        user=User.objects.get(username="official-3674"),
        indicator=indicator,
        reason="SK Dewan Smart City sudah terbit.",
    )
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/reviews/appeal/{appeal.pk}/")
    page.get_by_label("Terima, dengan level baru").check()
    page.get_by_label("Level baru", exact=True).select_option("4")
    page.get_by_label("Alasan", exact=True).fill("SK sah dan berlaku.")
    page.get_by_role("button", name="Catat keputusan").click()

    confirm = page.locator("#decision-confirm")
    expect(confirm).to_contain_text("Catat keputusan ini?")
    expect(confirm).to_contain_text("Terima sanggahan")
    expect(confirm).to_contain_text("SK sah dan berlaku.")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.FILED  # nothing recorded yet
    page.screenshot(path="test-results/appeal-confirm.png", full_page=True)

    page.get_by_role("button", name="Ya, catat keputusan").click()
    expect(page.get_by_role("status").first).to_contain_text("Keputusan dicatat")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.new_level) == (Appeal.Status.UPHELD, 4)
    assert appeal.rationale == "SK sah dan berlaku."
