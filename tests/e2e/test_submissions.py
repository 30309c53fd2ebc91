"""The official's main flow in a real browser, with a real Celery worker reading
the upload: Kota Tangerang Selatan uploads its masterplan, sees the pre-screen
with page numbers, submits before the deadline, and cannot open Kota Tangerang's
workspace."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from accounts.services import create_user
from assessments import services as assessment_services
from assessments.models import FrameworkVersion
from demo.documents import masterplan_pdf
from regions.models import Region
from submissions import services
from submissions.models import Submission

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.requires_redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def cycle(committed_data):
    now = timezone.now()
    return assessment_services.create_cycle(
        year=2017,
        name="Siklus uji 2017",
        framework=FrameworkVersion.objects.get(code="GM100SC-2017"),
        submissions_open=now - timedelta(days=1),
        submissions_close=now + timedelta(days=10),
        reviews_close=now + timedelta(days=20),
        appeals_close=now + timedelta(days=30),
        region_codes=["36.74", "36.71"],
    )


def officials():
    return [
        create_user(
            username=f"official-{code.replace('.', '')}",
            password="kata-sandi-uji-1",
            role=Role.OFFICIAL,
            region=Region.objects.get(code=code),
        )
        for code in ("36.74", "36.71")
    ]


def test_an_official_uploads_sees_the_prescreen_submits_and_stays_in_their_region(
    page, live_server, cycle, redis_worker, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _tangsel, tangerang = officials()
    other = services.workspace_for(tangerang, cycle)
    plan = tmp_path / "Masterplan Tangsel.pdf"
    plan.write_bytes(masterplan_pdf("Kota Tangerang Selatan", 2017))

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nama pengguna").fill("official-3674")
    page.get_by_label("Kata sandi").fill("kata-sandi-uji-1")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Ruang kerja").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Kota Tangerang Selatan"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draf")

    page.get_by_label("Jenis dokumen").select_option("masterplan")
    page.get_by_label("Berkas").set_input_files(str(plan))
    page.get_by_role("button", name="Unggah").click()

    expect(page.get_by_role("status").first).to_contain_text("telah diunggah")
    # The worker reads the file; the page polls and reloads when it is done.
    expect(page.locator(".checklist")).to_be_visible(timeout=60_000)
    vision = page.locator(".checklist li", has_text="Visi dan misi")
    expect(vision).to_contain_text("halaman")
    expect(page.locator(".checklist .missing")).to_have_count(0)
    page.screenshot(path="test-results/prescreen.png", full_page=True)
    vision.get_by_role("link").first.click()
    expect(page.locator(".page-text")).to_contain_text("Visi")

    page.get_by_role("link", name="Kota Tangerang Selatan").first.click()
    page.get_by_role("link", name="Ajukan ke kementerian").click()
    # A summary and a checklist first; nothing is sent yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajukan ke kementerian?")
    checklist = page.locator("#submit-checklist")
    expect(checklist.locator('[data-check="masterplan"]')).to_have_class("found")
    expect(checklist.locator('[data-check="read"]')).to_contain_text("halaman")
    expect(checklist.locator('[data-check="evidence"]')).to_contain_text(
        "indikator Praktik belum memiliki bukti"
    )
    assert Submission.objects.get(region_id="36.74").status == Submission.Status.DRAFT
    page.screenshot(path="test-results/submit-confirm.png", full_page=True)
    page.get_by_role("button", name="Ya, ajukan ke kementerian").click()
    expect(page.get_by_role("status").first).to_contain_text("Berhasil diajukan")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diajukan")
    mine = Submission.objects.get(region_id="36.74")
    assert mine.status == Submission.Status.SUBMITTED

    # The workspace fits a phone: wide tables scroll inside their frame.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.screenshot(path="test-results/workspace-phone.png", full_page=True)

    response = page.goto(f"{live_server.url}/workspace/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("tidak ditemukan")
