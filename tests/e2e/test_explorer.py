"""The weights explorer in chromium: moving a slider with the keyboard
recomputes every region's index, band and rank exactly as scoring/weights.py
does; the page fits a phone."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from scoring import services as scoring_services
from scoring import weights
from scoring.explorer import explorer_data
from tests.scoring.conftest import codes, scored_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def release(committed_data):
    cache.clear()
    return scoring_services.publish(cycle=scored_cycle(codes(20)), final=False)


def open_explorer(page, live_server, release):
    page.goto(
        f"{live_server.url}/results/{release.cycle_id}/releases/{release.number}/explorer/"
    )
    expect(page.locator("#explorer")).to_have_attribute("data-ready", "true")


def page_values(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#explorer-table tbody tr'))
          .map(tr => ({
            region: tr.getAttribute('data-region'),
            index: tr.querySelector('[data-col=index]').getAttribute('data-index'),
            rank: Number(tr.querySelector('[data-col=rank]').getAttribute('data-rank')),
            band: tr.querySelector('[data-col=band]').getAttribute('data-band'),
          }))"""
    )


def python_values(release, part, aspect):
    data = explorer_data(release)
    names = [a["code"] for a in data["aspects"]]
    comp = weights.Components.from_rows(
        [
            {
                "region": r["region"],
                "blueprint": r["blueprint"],
                "aspects": dict(zip(names, r["aspects"], strict=True)),
                "complete": r["complete"],
            }
            for r in data["regions"]
        ],
        names,
    )
    index = weights.recompute(comp, part, aspect)
    explorable = np.array([r["explorable"] for r in data["regions"]])
    ranks = weights.ranks_of(index, explorable)
    bands = weights.bands_of(index, data["bands"])
    return {
        code: (index[k], int(ranks[k]), bands[k]) for k, code in enumerate(comp.regions)
    }, names


def test_moving_sliders_recomputes_every_region_as_the_python_module_does(
    page, live_server, release
):
    open_explorer(page, live_server, release)
    # At the framework's weights the explored ranks are the official ones.
    official = page.evaluate(
        """() => Array.from(document.querySelectorAll('#explorer-table tbody tr'))
          .map(tr => [tr.querySelector('[data-col=official]').textContent,
                      tr.querySelector('[data-col=rank]').textContent])"""
    )
    assert all(o == e for o, e in official)
    expect(page.locator("#explorer-summary")).to_have_attribute("data-moved", "0")

    blueprint = page.locator("#w-part-blueprint")
    blueprint.focus()
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    impact = page.locator("#w-aspect-impact")
    impact.focus()
    for _ in range(15):
        page.keyboard.press("ArrowLeft")
    page.locator("#w-aspect-output").fill("28")

    values = {
        name: float(page.locator(f"#w-{name}").input_value())
        for name in ["part-blueprint", "part-practice"]
    }
    assert values["part-blueprint"] == pytest.approx(56.0)
    expected, aspects = python_values(
        release,
        [values["part-blueprint"], values["part-practice"]],
        [float(page.locator(f"#w-aspect-{a}").input_value()) for a in aspects_of(page)],
    )
    assert aspects == aspects_of(page)
    shown = page_values(page)
    assert len(shown) == 20
    for row in shown:
        index, rank, band = expected[row["region"]]
        assert float(row["index"]) == pytest.approx(index, abs=1e-12)
        assert row["rank"] == rank
        assert row["band"] == band
    # Shown in rank order, and the attainable range holds the explored rank.
    ranks = [row["rank"] for row in shown]
    assert ranks == sorted(ranks)
    attainable = {
        r["region"]: r["attainable"] for r in explorer_data(release)["regions"]
    }
    for row in shown:
        best, worst = attainable[row["region"]]
        assert best <= row["rank"] <= worst

    page.get_by_role("button", name="Kembali ke bobot kerangka").click()
    expect(page.locator("#explorer-summary")).to_have_attribute("data-moved", "0")
    page.screenshot(path="test-results/explorer-desktop.png", full_page=True)


def test_while_the_worker_computes_the_ranks_the_page_says_so(
    page, live_server, release
):
    from scoring import attainable
    from scoring.models import AttainableRanks

    AttainableRanks.objects.filter(release=release).delete()
    cache.set(attainable.queued_key(release), 1, 600)  # asked, still computing
    open_explorer(page, live_server, release)
    expect(page.locator("#attainable-pending")).to_be_visible()
    expect(page.locator("#attainable-pending")).to_contain_text("masih dihitung")
    cells = page.locator("#explorer-table tbody [data-col=attainable]")
    assert set(cells.all_inner_texts()) == {"–"}  # noqa: RUF001
    assert page.locator("#explorer-table tbody tr").count() == 20

    AttainableRanks.objects.create(
        release=release,
        ranges_digest=attainable.explorer.ranges_digest(
            attainable.explorer.inputs_of(release).ranges
        ),
        ranks={code: [1, 20] for code in codes(20)},
        seconds=0.1,
    )
    open_explorer(page, live_server, release)
    expect(page.locator("#attainable-pending")).to_be_hidden()
    assert set(cells.all_inner_texts()) == {"1–20"}  # noqa: RUF001


def aspects_of(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('input[name^="aspect:"]'))
          .map(i => i.name.slice(7))"""
    )


def test_the_explorer_fits_a_phone_screen(page, live_server, release):
    page.set_viewport_size({"width": 390, "height": 844})
    open_explorer(page, live_server, release)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    expect(page.locator("#w-part-blueprint")).to_be_visible()
    # Each slider has an accessible name from its label.
    label = page.locator("label[for=w-part-blueprint]").text_content()
    expect(page.get_by_role("slider", name=label, exact=True)).to_be_visible()
    page.screenshot(path="test-results/explorer-phone.png", full_page=True)
