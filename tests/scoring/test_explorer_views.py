"""The public method page and the weights explorer (page and JSON)."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.cache import cache
from django.urls import reverse

from assessments.models import FrameworkVersion
from scoring import services, weights
from scoring.models import AttainableRanks
from tests.scoring.conftest import codes, scored_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(db):
    cache.clear()
    return services.publish(cycle=scored_cycle(codes(8)), final=False)


def data_of(client, release):
    url = reverse("scoring:explorer-data", args=[release.cycle_id, release.number])
    response = client.get(url)
    assert response.status_code == 200
    return response.json()


def test_the_method_page_says_smart_governance_carries_about_half_the_weight(client):
    response = client.get(reverse("scoring:method"))
    assert response.status_code == 200
    html = response.content.decode()
    framework = FrameworkVersion.objects.get(code="GM100SC-2017")
    gov = framework.dimensions.get(code="GOV")
    # 25 of 53 indicators, 50.9% of the weight (issue 14, finding 3).
    assert f"{gov.name_id} memegang 50,9% bobot indeks (25 dari 53 indikator)" in html
    assert "sekitar setengah" in html
    assert 'data-share="0.508812"' in html  # 50.88%


def test_the_method_page_speaks_english_with_the_language_switch(client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("scoring:method")).content.decode()
    assert "carries 50.9% of the index weight (25 of 53 indicators)" in html
    assert "How the index is weighted" in html


def test_every_group_of_shares_on_the_method_page_sums_to_one(client):
    from scoring.explorer import method_framework, method_shares

    shares = method_shares(method_framework())
    for rows in shares["tables"].values():
        assert sum(row["share"] for row in rows) == pytest.approx(1.0)


def test_the_explorer_data_recompute_at_the_framework_weights_is_the_official_result(
    client, release
):
    data = data_of(client, release)
    comp = weights.Components.from_rows(
        [
            {
                "region": r["region"],
                "blueprint": r["blueprint"],
                "aspects": dict(
                    zip([a["code"] for a in data["aspects"]], r["aspects"], strict=True)
                ),
                "complete": r["complete"],
            }
            for r in data["regions"]
        ],
        [a["code"] for a in data["aspects"]],
    )
    part = [data["weights"]["part"][p] for p in ("blueprint", "practice")]
    aspect = [data["weights"]["aspect"][a["code"]] for a in data["aspects"]]
    index = weights.recompute(comp, part, aspect)
    official = np.array([r["official"]["index"] for r in data["regions"]], float)
    assert np.allclose(index, official, atol=2e-6)
    explorable = np.array([r["explorable"] for r in data["regions"]])
    ranks = weights.ranks_of(index, explorable)
    assert ranks.tolist() == [r["official"]["rank"] or 0 for r in data["regions"]]
    assert weights.bands_of(index, data["bands"]) == [
        r["official"]["band"] for r in data["regions"]
    ]
    assert data["ranges_source"] in {"release", "framework", "default"}


def test_each_regions_official_rank_lies_within_its_attainable_ranks(client, release):
    data = data_of(client, release)
    ranked = [r for r in data["regions"] if r["official"]["rank"]]
    assert len(ranked) == 8
    for row in ranked:
        best, worst = row["attainable"]
        assert 1 <= best <= row["official"]["rank"] <= worst <= 8


def test_the_attainable_ranks_are_stored_beside_the_release_and_read_from_there(
    client, release
):
    from scoring import explorer

    data = data_of(client, release)
    assert data["attainable_ready"] is True
    row = AttainableRanks.objects.get(release=release)
    assert row.ranges_digest == explorer.ranges_digest(
        explorer.inputs_of(release).ranges
    )
    assert row.ranks == {
        r["region"]: r["attainable"] for r in data["regions"] if r["attainable"]
    }
    AttainableRanks.objects.filter(pk=row.pk).update(
        ranks={r["region"]: [1, 1] for r in data["regions"]}
    )
    assert {tuple(r["attainable"]) for r in data_of(client, release)["regions"]} == {
        (1, 1)
    }


def test_without_stored_ranks_the_data_say_they_are_pending_and_rank_nothing(release):
    from scoring import explorer

    assert not AttainableRanks.objects.exists()  # the worker has not run yet
    data = explorer.explorer_data(release)
    assert data["attainable_ready"] is False
    assert {r["attainable"] for r in data["regions"]} == {None}
    # Everything else is there: the official results and the components.
    assert all(r["official"]["rank"] for r in data["regions"])


def test_a_crowd_of_first_visitors_asks_the_worker_once(release, settings):
    from scoring import attainable

    assert attainable.request(release) is True  # runs in-process here
    assert AttainableRanks.objects.filter(release=release).count() == 1
    assert attainable.request(release) is False  # already asked
    assert attainable.request(release) is False


def test_the_page_says_the_ranks_are_on_their_way_in_both_languages(client, release):
    url = reverse("scoring:explorer", args=[release.cycle_id, release.number])
    html = client.get(url).content.decode()
    assert 'id="attainable-pending" class="notice" hidden' in html
    assert "masih dihitung" in html
    client.cookies["django_language"] = "en"
    assert "still being computed" in client.get(url).content.decode()


def test_publication_asks_the_worker_for_the_attainable_ranks(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        release = services.publish(cycle=scored_cycle(codes(5)), final=False)
    row = AttainableRanks.objects.get(release=release)
    assert len(row.ranks) == 5
    assert row.seconds >= 0


def test_the_explorer_page_loads_its_script_from_static_files_only(client, release):
    url = reverse("scoring:explorer", args=[release.cycle_id, release.number])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "js/explorer.js" in html
    assert "<script>" not in html
    assert (
        reverse("scoring:explorer-data", args=[release.cycle_id, release.number])
        in html
    )


def test_an_unknown_release_or_cycle_answers_404(client, release):
    for args in ([release.cycle_id, 99], [9999, 1]):
        assert client.get(reverse("scoring:explorer", args=args)).status_code == 404
        assert (
            client.get(reverse("scoring:explorer-data", args=args)).status_code == 404
        )


def test_the_explorer_data_does_not_take_posts(client, release):
    url = reverse("scoring:explorer-data", args=[release.cycle_id, release.number])
    assert client.post(url).status_code == 405


def test_precompute_explorer_stores_the_ranks_the_page_reads(client, release):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("precompute_explorer", str(release.pk), stdout=out)
    assert f"release {release.pk}: 8 regions" in out.getvalue()
    call_command("precompute_explorer", str(release.pk), stdout=out)  # idempotent
    row = AttainableRanks.objects.get(release=release)
    assert len(row.ranks) == 8
    assert data_of(client, release)["attainable_ready"] is True
    with pytest.raises(CommandError, match="Rilis tidak ditemukan"):
        call_command("precompute_explorer", "99999", stdout=out)


def test_the_attainable_ranks_have_their_own_queue_so_recomputes_never_wait(settings):
    from smartcity.celery import app

    def queue_of(task: str) -> str:
        return app.amqp.router.route({}, task)["queue"].name

    assert queue_of("scoring.tasks.compute_attainable") == settings.EXPLORER_QUEUE
    assert queue_of("scoring.tasks.recompute_cycle") == "celery"
    assert queue_of("scoring.tasks.render_release") == "celery"
