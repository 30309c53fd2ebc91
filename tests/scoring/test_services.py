from __future__ import annotations

import json
import statistics
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from assessments.models import FrameworkVersion
from scoring import services
from scoring.models import RegionResult, Release, ScoreRun
from tests.scoring.conftest import codes, scored_cycle

pytestmark = pytest.mark.django_db


def snapshot(cycle) -> list[tuple]:
    return list(
        RegionResult.objects.filter(cycle=cycle)
        .order_by("region")
        .values_list(
            "pk",
            "region",
            "index",
            "band",
            "coverage",
            "rank_national",
            "rank_low",
            "rank_high",
            "details",
        )
    )


def by_hand(region: dict, framework: dict) -> Decimal:
    """The index from a release's indicator levels and the framework's weights,
    in plain Python: the method of README, step by step."""
    indicators = framework["indicators"]
    levels = {code: float(v["level"]) for code, v in region["levels"].items()}

    def mean(codes_):
        pairs = [
            (float(indicators[c]["weight"]), levels[c]) for c in codes_ if c in levels
        ]
        total = sum(w for w, _ in pairs)
        return sum(w * v for w, v in pairs) / total if total else None

    parts = {}
    blueprint = [c for c, i in indicators.items() if i["part"] == "blueprint"]
    parts["blueprint"] = mean(blueprint)
    aspects = {}
    for aspect in framework["aspect_weights"]:
        aspects[aspect] = mean(
            [
                c
                for c, i in indicators.items()
                if i["part"] == "practice" and i["aspect"] == aspect
            ]
        )
    present = {a: s for a, s in aspects.items() if s is not None}
    if present:
        weights = {a: float(framework["aspect_weights"][a]) for a in present}
        parts["practice"] = sum(weights[a] * s for a, s in present.items()) / sum(
            weights.values()
        )
    present = {p: s for p, s in parts.items() if s is not None}
    weights = {p: float(framework["part_weights"][p]) for p in present}
    index = sum(weights[p] * s for p, s in present.items()) / sum(weights.values())
    return Decimal(repr(index)).quantize(Decimal("0.000001"))


def test_a_run_computes_every_region_and_a_repeat_changes_nothing(small_cycle):
    first = services.recompute_now(small_cycle)

    assert first.status == ScoreRun.Status.DONE
    assert first.regions == 5
    before = snapshot(small_cycle)
    assert all(Decimal(1) <= row[2] <= Decimal(5) for row in before)
    ranks = sorted(row[5] for row in before)
    assert ranks[0] == 1

    services.recompute_now(small_cycle)
    assert snapshot(small_cycle) == before  # same rows, same primary keys


def test_published_indices_can_be_recomputed_by_hand(small_cycle):
    release = services.publish(cycle=small_cycle, final=False)

    content = release.content
    for region in content["regions"]:
        assert Decimal(region["index"]) == by_hand(region, content["framework"]), (
            region["region"]
        )
    assert services.checksum_of(release) == release.checksum


def test_levels_are_medians_and_a_release_keeps_them(small_cycle):
    from reviews.models import Answer

    release = services.publish(cycle=small_cycle, final=False)
    region = next(r for r in release.content["regions"] if r["region"] == "36.74")
    answers = Answer.objects.filter(
        review__cycle=small_cycle, review__region_id="36.74"
    )
    first = answers.order_by("indicator__order").first().indicator
    expected = statistics.median(
        answers.filter(indicator=first).values_list("level", flat=True)
    )
    assert Decimal(region["levels"][first.code]["level"]) == Decimal(str(expected))
    assert region["levels"][first.code]["source"] == "median"


def test_releases_are_numbered_immutable_and_final_is_last(small_cycle):
    first = services.publish(cycle=small_cycle, final=False)
    second = services.publish(cycle=small_cycle, final=True)

    assert (first.number, second.number) == (1, 2)
    assert second.kind == Release.Kind.FINAL
    assert FrameworkVersion.objects.get(code=first.framework_code).is_locked
    with pytest.raises(services.ReleaseError):
        services.publish(cycle=small_cycle, final=False)
    first.content["regions"] = []
    with pytest.raises(ValueError, match="immutable"):
        first.save()
    assert Release.objects.latest_for(small_cycle) == second


def test_a_burst_of_requests_gives_one_run(
    small_cycle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        runs = {
            services.request_recompute(small_cycle, f"change {n}").pk for n in range(20)
        }

    assert len(runs) == 1
    assert len(callbacks) == 1
    assert ScoreRun.objects.filter(status=ScoreRun.Status.QUEUED).count() == 1


def test_a_request_without_a_broker_is_kept_for_the_sweep(small_cycle):
    from datetime import timedelta

    from django.utils import timezone

    run = services.request_recompute(small_cycle, "while Redis was down")
    ScoreRun.objects.filter(pk=run.pk).update(
        requested_at=timezone.now() - timedelta(hours=1)
    )

    assert services.stale_runs(older_than=timedelta(minutes=10)) == [run.pk]
    services.run(run.pk)
    assert services.stale_runs(older_than=timedelta(minutes=10)) == []
    assert services.run(run.pk).status == ScoreRun.Status.DONE  # idempotent


def test_a_failed_run_says_why_and_keeps_the_previous_results(small_cycle, monkeypatch):
    services.recompute_now(small_cycle)
    before = snapshot(small_cycle)

    def broken(data, **kwargs):
        raise ValueError("weights do not add up")

    monkeypatch.setattr(services, "compute", broken)
    failed = services.recompute_now(small_cycle)

    assert failed.status == ScoreRun.Status.FAILED
    assert "weights do not add up" in failed.error
    assert snapshot(small_cycle) == before


def test_the_queries_do_not_grow_with_the_regions(db, queries_of):
    # Reads are a constant number of queries; the upsert is one INSERT per
    # batch, and SQLite's 999 parameters fit 999 // 27 fields = 36 rows.
    few = scored_cycle(codes(5), name="Five")
    many = scored_cycle(codes(60)[10:40], name="Thirty")
    lots = scored_cycle(codes(200)[100:170], name="Seventy")

    assert queries_of(lambda: services.recompute_now(few)) == queries_of(
        lambda: services.recompute_now(many)
    )
    assert RegionResult.objects.filter(cycle=many).count() == 30
    assert queries_of(lambda: services.recompute_now(lots)) <= queries_of(
        lambda: services.recompute_now(few)
    ) + (1 if connection.vendor == "sqlite" else 0)


def test_the_commands_recompute_and_publish(small_cycle, capsys):
    call_command("recompute_scores", "--cycle", "Scored 2017")
    assert "5 daerah" in capsys.readouterr().out
    call_command("publish_release", "--cycle", "2017")
    assert "#1 provisional" in capsys.readouterr().out
    assert Release.objects.count() == 1


def test_a_region_reviewed_then_removed_from_the_cycle_is_still_scored(small_cycle):
    small_cycle.regions.remove("36.74")

    run = services.recompute_now(small_cycle)

    assert run.status == ScoreRun.Status.DONE
    assert RegionResult.objects.filter(cycle=small_cycle, region_id="36.74").exists()


@pytest.mark.requires_postgres
def test_a_run_left_running_by_a_killed_worker_is_swept_at_once(small_cycle):
    """A killed worker's session ends, and its lock on the cycle with it: the
    sweep takes the run again without waiting for the age rule. A run whose
    worker still holds the lock is left alone."""
    from datetime import timedelta

    import psycopg2
    from django.db import connection
    from django.utils import timezone

    run = ScoreRun.objects.create(
        cycle=small_cycle,
        status=ScoreRun.Status.RUNNING,
        started_at=timezone.now() - timedelta(seconds=30),
    )
    assert services.stale_runs(older_than=timedelta(hours=1)) == [run.pk]

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    worker = psycopg2.connect(**params)  # another session: a live worker
    try:
        with worker.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [services.LOCK_KEY, small_cycle.pk]
            )
        assert services.stale_runs(older_than=timedelta(hours=1)) == []
    finally:
        worker.close()
    assert services.stale_runs(older_than=timedelta(hours=1)) == [run.pk]


def test_the_release_carries_the_method_contract(small_cycle):
    release = services.publish(cycle=small_cycle, final=False)
    content = release.content
    assert content["method"] == {
        "no_evidence_level": "1",
        "min_reviews": 3,
        "draws": 500,
        "interval": "0.9",
    }
    assert content["agreement_floor"] == "0.667"
    assert isinstance(content["low_agreement"], bool)
    for entry in content["regions"]:
        assert entry["n_reviews"] == 3
        assert entry["ranked"] is entry["complete"]
        assert entry["unranked_reason"] in ("", "incomplete")
        low, high = entry["index_interval"]
        assert Decimal(low) <= Decimal(entry["index"]) <= Decimal(high)
        assert entry["index_adjusted"] is not None
        if entry["ranked"]:
            national = entry["uncertainty"]["national"]
            assert national["interval"] == entry["rank_interval"]
            assert national["tie"] == entry["tie"]
            rank = entry["ranks"]["rank_national"]
            assert entry["tie"][0] <= rank <= entry["tie"][1]
            assert set(entry["uncertainty"]) >= {"national", "kind", "province"}
        else:
            assert entry["uncertainty"] == {}
            assert entry["tie"] == [None, None]
    row = RegionResult.objects.filter(cycle=small_cycle, ranked=True).first()
    assert row.tie_low <= row.rank_national <= row.tie_high
    assert row.uncertainty["national"]["interval"] == [row.rank_low, row.rank_high]
    severity = services.recompute_now(small_cycle).stats
    assert {"reviewer", "severity", "low", "high", "n"} <= set(severity["severity"][0])
    assert "severity" not in json.dumps(content)


def test_min_reviews_and_no_evidence_level_come_from_the_framework(small_cycle):
    FrameworkVersion.objects.filter(pk=small_cycle.framework_id).update(
        min_reviews=4, no_evidence_level=2
    )
    small_cycle.refresh_from_db()
    data = services.read(small_cycle)
    assert (data.min_reviews, data.no_evidence_level) == (4, 2.0)
    services.recompute_now(small_cycle)
    rows = RegionResult.objects.filter(cycle=small_cycle)
    assert not rows.filter(ranked=True).exists()
    assert not rows.exclude(rank_national=None).exists()
    assert set(rows.values_list("unranked_reason", flat=True)) <= {
        "few_reviews",
        "incomplete",
    }
