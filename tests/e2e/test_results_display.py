"""The public release page of a release with the new method's keys in a real
browser at phone width, in both languages (issue 14): the caveat, the tied
group, the unranked regions, and no page-wide horizontal scroll."""

import pytest
from playwright.sync_api import expect

from tests.dashboards.test_display import publish, with_new_keys

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_release_page_reads_on_a_phone_in_both_languages(page, live_server):
    release = with_new_keys(publish(8))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(
        f"{live_server.url}/results/{release.cycle_id}/releases/{release.number}/"
    )
    expect(page.locator("#low-agreement")).to_contain_text(
        "Kesepakatan antarpenilai rendah"
    )
    ranking = page.locator("table.ranking")
    expect(ranking).to_contain_text("Peringkat 1\u20133 (setara)")
    expect(ranking).to_contain_text("Tidak diperingkat: baru 2 dari 3")
    expect(ranking).to_contain_text("Belum lengkap")
    expect(ranking).to_contain_text("Indeks (selang 90%)")
    expect(page.locator("#sensitivity")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(path="test-results/release-phone.png", full_page=True)

    page.get_by_role("button", name="EN").click()
    expect(page.locator("#low-agreement")).to_contain_text(
        "Low inter-reviewer agreement"
    )
    expect(page.locator("table.ranking")).to_contain_text("Rank 1\u20133 (tied)")
    expect(page.locator("table.ranking")).to_contain_text(
        "Not ranked: 2 of the 3 reviews required"
    )
