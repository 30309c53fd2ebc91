import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.services import create_user
from regions.models import Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_a_pilot_region_and_reads_it_in_both_languages(
    page, live_server
):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=2).first).to_contain_text(
        "Gerakan Menuju 100 Smart City"
    )

    page.get_by_role("link", name="Daerah", exact=True).click()
    page.get_by_label("Cari").fill("Tangerang Selatan")
    page.get_by_label("Cari").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("1 daerah")
    page.get_by_role("link", name="Kota Tangerang Selatan").click()

    expect(page).to_have_url(live_server.url + "/regions/36.74/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kota Tangerang Selatan")
    expect(page.locator(".facts")).to_contain_text("Banten")
    expect(page.locator("table")).to_contain_text("2017")

    page.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("table")).to_contain_text("MoU signed")
    page.screenshot(path="test-results/region-detail-en.png", full_page=True)


def test_the_region_list_fits_a_phone_screen(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/regions/?cohort=2017")

    expect(page.get_by_role("status").first).to_contain_text("26 daerah")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path="test-results/region-list-phone.png", full_page=True)


def test_an_official_logs_in_with_the_keyboard_and_out(page, live_server):
    create_user(
        username="official-3674",
        password="pw-official-1",
        role=Role.OFFICIAL,
        region=Region.objects.get(code="36.74"),
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nama pengguna").fill("official-3674")
    page.get_by_label("Kata sandi").fill("pw-official-1")
    page.keyboard.press("Enter")

    logout = page.get_by_role("button", name="Keluar (official-3674)")
    expect(logout).to_be_visible()
    logout.click()
    expect(page.get_by_role("link", name="Masuk")).to_be_visible()


def test_an_unknown_region_shows_the_404_page_in_indonesian(page, live_server):
    response = page.goto(live_server.url + "/regions/99.99/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")


def test_the_api_docs_render_under_the_content_security_policy(page, live_server):
    page.goto(live_server.url + "/")
    page.locator(".site-footer").get_by_role("link", name="Dokumentasi API").click()
    expect(page).to_have_url(live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    expect(page.locator(".opblock-tag").first).to_be_visible()
