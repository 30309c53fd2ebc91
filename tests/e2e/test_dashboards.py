"""The public dashboard and a scorecard in a real browser: charts drawn from
the app's own plotly.js and base map (the page fixture fails the test on any
request to another host), tables, the Excel download, phone and print."""

import io

import pandas as pd
import pytest
from playwright.sync_api import expect

from regions.models import Region
from scoring import services as scoring_services
from tests.scoring.conftest import scored_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def release():
    pilots = list(
        Region.objects.in_cohort(2017).order_by("code").values_list("code", flat=True)
    )
    return scoring_services.publish(cycle=scored_cycle(pilots), final=False)


def charts_drawn(page, count: int) -> None:
    expect(page.locator("#charts")).to_have_attribute("data-rendered", "true")
    expect(page.locator("[data-chart][data-rendered='true']")).to_have_count(count)
    expect(page.locator(".js-plotly-plot")).to_have_count(count)


def test_a_visitor_reads_the_dashboard_opens_a_scorecard_and_downloads_excel(
    page, live_server, release
):
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor kesiapan")
    reached = release.content["progress"]["reached"]
    expect(page.locator(".summary .big-number strong")).to_have_text(str(reached))
    charts_drawn(page, 5)
    # The map: the vendored coastlines under one trace per band.
    traces = page.evaluate("document.getElementById('chart-map').data.map(t => t.mode)")
    assert traces[0] == "lines"
    assert len(traces) > 1
    points = page.evaluate(
        "document.getElementById('chart-map').data.slice(1)"
        ".reduce((n, t) => n + t.x.length, 0)"
    )
    assert points == len(release.content["regions"])

    ranking = page.locator("[data-chart='ranking']")
    ranking.get_by_text("Tampilkan data sebagai tabel").click()
    expect(ranking.locator("tbody tr")).to_have_count(
        sum(1 for r in release.content["regions"] if r["index"] is not None)
    )

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    table = pd.read_excel(
        io.BytesIO(open(download.value.path(), "rb").read()),  # noqa: SIM115
        engine="openpyxl",
        dtype={"region_code": str},
    )
    assert sorted(table["region_code"]) == sorted(
        r["region"] for r in release.content["regions"]
    )

    page.get_by_label("Buka kartu skor daerah").select_option(
        label="Kota Tangerang Selatan"
    )
    page.get_by_role("button", name="Buka", exact=True).click()
    expect(page).to_have_url(live_server.url + "/regions/36.74/scorecard/")
    charts_drawn(page, 4)
    expect(page.locator(".indicators tbody tr")).to_have_count(53)
    page.screenshot(path="test-results/scorecard.png", full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".chart-png").first).to_be_hidden()
    expect(page.locator(".site-header nav")).to_be_hidden()


def test_the_dashboard_fits_a_phone_and_switches_to_english(page, live_server, release):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/dashboard/?cohort=2017")
    charts_drawn(page, 5)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    # No plotly toolbar over the chart titles on a phone (the PNG button stays).
    assert page.locator(".modebar").count() == 0
    expect(page.locator(".chart-png").first).to_be_visible()
    page.screenshot(path="test-results/dashboard-phone.png", full_page=True)

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Readiness dashboard")
    charts_drawn(page, 5)
    heatmap = page.locator("[data-chart='heatmap']")
    heatmap.get_by_text("Show the data as a table").click()
    expect(heatmap.locator("thead")).to_contain_text("Region")


def test_the_desktop_keeps_the_plotly_toolbar(page, live_server, release):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/dashboard/")
    charts_drawn(page, 5)
    assert page.locator(".modebar").count() >= 5


def test_a_reviewer_reads_the_review_dashboard(page, live_server, release):
    from accounts.models import Role
    from accounts.services import create_user

    create_user(username="reviewer-e2e", password="pw-review-e2e-1", role=Role.REVIEWER)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nama pengguna").fill("reviewer-e2e")
    page.get_by_label("Kata sandi").fill("pw-review-e2e-1")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Dasbor penilaian").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor penilaian")
    charts_drawn(page, 3)
    regions = page.locator("#regions-title + .table-wrap tbody tr")
    expect(regions).to_have_count(len(release.content["regions"]))
    expect(page.get_by_role("link", name="Excel (XLSX)")).to_have_count(
        0
    )  # admins only

    page.set_viewport_size({"width": 390, "height": 844})  # the same on a phone
    page.reload()
    charts_drawn(page, 3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
