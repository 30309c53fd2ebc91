"""Recomputing a cycle's results and publishing releases.

`request_recompute` records the request in the database first, then enqueues
the job after commit: a burst of changes gives one run (a queued run reads the
data when it starts), and a request made while Redis is down is picked up by
the next beat sweep. `run` reads everything with a constant number of queries,
computes with the pure functions in `scoring.analytics`, and writes all rows in
one transaction, so a worker killed mid-run leaves the previous results intact.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import Cycle, Indicator
from notifications import webhooks
from regions.models import Program, ProgramMembership, Province, Region
from reviews.models import Answer, Appeal, Consensus, Review
from scoring import analytics, contract, releases
from scoring.models import RegionResult, Release, ScoreRun

logger = logging.getLogger(__name__)
COALESCE_SECONDS = 3  # changes in a burst are read together by one run
LOCK_KEY = 2017  # first key of the per-cycle advisory lock (see `_lock`)
ORPHAN_GRACE = timedelta(seconds=10)  # "running" to holding the lock: ms
PLACES = Decimal("0.000001")
METHOD_FIELDS = (
    "n_reviews",
    "ranked",
    "unranked_reason",
    "index_low",
    "index_high",
    "index_adjusted",
    "rank_adjusted",
    "tie_low",
    "tie_high",
    "uncertainty",
)
RANK_FIELDS = contract.RANK_COLUMNS  # the release contract's peer groups


# Requests -------------------------------------------------------------------


def request_recompute(cycle: Cycle | int, reason: str) -> ScoreRun:
    """Record that the cycle needs computing and enqueue it after commit; a run
    already waiting covers this request too."""
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    waiting = ScoreRun.objects.filter(cycle_id=cycle_id, status=ScoreRun.Status.QUEUED)
    run = waiting.first()
    if run is not None:
        return run
    try:
        with transaction.atomic():
            run = ScoreRun.objects.create(cycle_id=cycle_id, reason=reason[:200])
    except IntegrityError:  # queued at the same moment by another request
        return waiting.get()

    def enqueue() -> None:
        from scoring import tasks

        tasks.recompute_cycle.apply_async(args=[run.pk], countdown=COALESCE_SECONDS)

    transaction.on_commit(enqueue, robust=True)
    return run


def stale_runs(*, older_than: timedelta) -> list[int]:
    """Queued runs whose job never came (broker down), and runs left running by
    a killed worker. On PostgreSQL a running run is orphaned as soon as no
    session holds its cycle's lock (a killed worker's session ends, and its
    lock with it); elsewhere, once it is older than `older_than`."""
    now = timezone.now()
    queued = Q(status=ScoreRun.Status.QUEUED, requested_at__lt=now - older_than)
    if connection.vendor != "postgresql":
        running = Q(status=ScoreRun.Status.RUNNING, requested_at__lt=now - older_than)
        return list(
            ScoreRun.objects.filter(queued | running).values_list("pk", flat=True)
        )
    found = list(ScoreRun.objects.filter(queued).values_list("pk", flat=True))
    running = ScoreRun.objects.filter(
        status=ScoreRun.Status.RUNNING, started_at__lt=now - ORPHAN_GRACE
    ).values_list("pk", "cycle_id")
    computing = _locked_cycles()
    return found + [pk for pk, cycle_id in running if cycle_id not in computing]


def _locked_cycles() -> set[int]:
    """The cycles whose lock (see `_lock`) a session holds right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory'"
            " AND classid = %s AND objsubid = 2 AND granted",
            [LOCK_KEY],
        )
        return {int(row[0]) for row in cursor.fetchall()}


# Reading --------------------------------------------------------------------


@dataclass(frozen=True)
class CycleData:
    """Everything one computation needs, read with a constant number of queries."""

    answers: pd.DataFrame
    consensus: pd.DataFrame
    appeals: pd.DataFrame
    indicators: pd.DataFrame
    regions: pd.DataFrame
    part_weights: dict[str, float]
    aspect_weights: dict[str, float]
    bands: list[tuple[str, float | None]]
    min_coverage: float
    target_band: str
    target: int
    no_evidence_level: float = 1.0
    min_reviews: int = 3


def read_answers(cycle: Cycle) -> pd.DataFrame:
    """The submitted reviews' answers: region, indicator, reviewer, level
    (NaN for "no evidence")."""
    rows = Answer.objects.filter(
        review__cycle=cycle, review__status=Review.Status.SUBMITTED
    ).values_list("review__region_id", "indicator_id", "review__reviewer_id", "level")
    frame = pd.DataFrame.from_records(
        list(rows), columns=["region", "indicator", "reviewer", "level"]
    )
    frame["level"] = frame["level"].astype("float64")
    return frame


def read(cycle: Cycle) -> CycleData:
    framework = cycle.framework
    consensus = pd.DataFrame.from_records(
        list(
            Consensus.objects.filter(cycle=cycle).values_list(
                "region_id", "indicator_id", "level"
            )
        ),
        columns=["region", "indicator", "level"],
    )
    appeals = pd.DataFrame.from_records(
        list(
            Appeal.objects.filter(
                submission__cycle=cycle, status=Appeal.Status.UPHELD
            ).values_list(
                "submission__region_id", "indicator_id", "new_level", "decided_at"
            )
        ),
        columns=["region", "indicator", "level", "decided_at"],
    )
    indicators = pd.DataFrame.from_records(
        list(
            Indicator.objects.filter(framework=framework).values_list(
                "pk",
                "part",
                "aspect",
                "sub_dimension__code",
                "sub_dimension__dimension__code",
                "readiness__element__code",
                "weight",
            )
        ),
        columns=[
            "indicator",
            "part",
            "aspect",
            "sub_dimension",
            "dimension",
            "element",
            "weight",
        ],
    )
    indicators["weight"] = indicators["weight"].astype("float64")
    # The cycle's regions, and any region reviewed in it (even if since removed).
    taking_part = Region.objects.filter(
        Q(cycles=cycle) | Q(reviews__cycle=cycle)
    ).distinct()
    regions = pd.DataFrame.from_records(
        list(taking_part.values_list("code", "kind", "province_id", "population")),
        columns=["region", "kind", "province", "population"],
    )
    # Province ranks compare the regions of a province as it was in the cycle's
    # year (docs/scoring.md, "Provinsi pada tahun siklus").
    then = Province.objects.as_of(cycle.year)
    regions["province"] = [then.get(code, code) for code in regions["province"]]
    cohorts = pd.DataFrame.from_records(
        list(
            ProgramMembership.objects.active()
            .filter(region__in=taking_part.values("code"))
            .values_list("region_id", "year", "confirmed")
        ),
        columns=["region", "cohort_year", "confirmed"],
    )
    # Cohort ranks count confirmed memberships only: a region with an
    # unconfirmed membership gets no cohort (docs/scoring.md, "Kohort / Cohorts").
    uncertain = set(cohorts.loc[~cohorts["confirmed"].astype(bool), "region"])
    cohorts = cohorts.loc[~cohorts["region"].isin(uncertain)]
    first_year = cohorts.groupby("region", as_index=False)["cohort_year"].min()
    regions = regions.merge(first_year, on="region", how="left")
    regions["cohort_year"] = regions["cohort_year"].astype("Int64")
    regions["population"] = regions["population"].astype("Int64")
    program = Program.objects.first()
    return CycleData(
        answers=read_answers(cycle),
        consensus=consensus,
        appeals=appeals,
        indicators=indicators,
        regions=regions,
        part_weights={k: float(v) for k, v in framework.part_weights.items()},
        aspect_weights={k: float(v) for k, v in framework.aspect_weights.items()},
        bands=[
            (band.code, None if band.upper_bound is None else float(band.upper_bound))
            for band in framework.bands.order_by("order")
        ],
        min_coverage=float(framework.min_coverage),
        target_band=framework.target_band,
        target=program.target_regions if program else 100,
        no_evidence_level=float(
            1 if framework.no_evidence_level is None else framework.no_evidence_level
        ),
        min_reviews=int(framework.min_reviews),
    )


# Computing and writing ------------------------------------------------------


DRAWS = 500
INTERVAL = 0.9


def compute(data: CycleData, *, draws: int = DRAWS) -> analytics.CycleResult:
    return analytics.compute_cycle(
        data.answers,
        data.consensus,
        data.appeals,
        data.indicators,
        data.regions,
        part_weights=data.part_weights,
        aspect_weights=data.aspect_weights,
        bands=data.bands,
        min_coverage=data.min_coverage,
        target_band=data.target_band,
        target=data.target,
        no_evidence_level=data.no_evidence_level,
        min_reviews=data.min_reviews,
        draws=draws,
        level=INTERVAL,
    )


def _decimal(value: Any) -> Decimal | None:
    if value is None or pd.isna(value):
        return None
    return Decimal(repr(float(value))).quantize(PLACES)


def _text(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _integer(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _details(scores: pd.DataFrame) -> list[dict[str, float]]:
    """Per region: the "dimension:GOV", "aspect:output", ... scores present."""
    columns = [name for name in scores.columns if ":" in str(name)]
    rounded = scores[columns].round(6).to_dict("records")
    return [
        {name: value for name, value in row.items() if value == value}  # not NaN
        for row in rounded
    ]


def result_rows(cycle: Cycle, result: analytics.CycleResult) -> list[RegionResult]:
    rows = []
    details = _details(result.scores)
    for record, detail in zip(result.scores.to_dict("records"), details, strict=True):
        rows.append(
            RegionResult(
                cycle=cycle,
                region_id=record["region"],
                index=_decimal(record["index"]),
                band=_text(record.get("band")),
                coverage=_decimal(record["coverage"]),
                complete=bool(record["complete"]),
                blueprint=_decimal(record.get("blueprint")),
                practice=_decimal(record.get("practice")),
                details=detail,
                size_class=_text(record.get("size_class")),
                rank_low=_integer(record.get("rank_low")),
                rank_high=_integer(record.get("rank_high")),
                **{field: _integer(record.get(field)) for field in RANK_FIELDS},
                n_reviews=int(record.get("n_reviews") or 0),
                ranked=bool(record.get("ranked")),
                unranked_reason=_text(record.get("unranked_reason")),
                index_low=_decimal(record.get("index_low")),
                index_high=_decimal(record.get("index_high")),
                index_adjusted=_decimal(record.get("index_adjusted")),
                rank_adjusted=_integer(record.get("rank_adjusted")),
                tie_low=_integer(record.get("tie_low")),
                tie_high=_integer(record.get("tie_high")),
                uncertainty=record.get("uncertainty") or {},
            )
        )
    return rows


def _lock(cycle: Cycle) -> None:
    """One computation of a cycle at a time (PostgreSQL; SQLite has one writer)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, cycle.pk])


def write(cycle: Cycle, result: analytics.CycleResult) -> int:
    """Replace the cycle's results with these, in the caller's transaction."""
    rows = result_rows(cycle, result)
    fields = [
        "index",
        "band",
        "coverage",
        "complete",
        "blueprint",
        "practice",
        "details",
        "size_class",
        "rank_low",
        "rank_high",
        *RANK_FIELDS,
        *METHOD_FIELDS,
    ]
    RegionResult.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["cycle", "region"],
        update_fields=fields,
        batch_size=500,
    )
    RegionResult.objects.filter(cycle=cycle).exclude(
        region__in=[row.region_id for row in rows]
    ).delete()
    return len(rows)


def _stats(result: analytics.CycleResult) -> dict[str, Any]:
    return {
        "progress": result.progress,
        "agreement": [
            {
                "indicator": int(r["indicator"]),
                "alpha": _float(r["alpha"]),
                "n": int(r["n_units"]),
            }
            for r in result.agreement.to_dict("records")
        ],
        "leniency": [
            {
                "reviewer": int(r["reviewer"]),
                "mean_deviation": _float(r["mean_deviation"]),
                "n": int(r["n"]),
            }
            for r in result.leniency.to_dict("records")
        ],
        # Admins only (never in a release's content).
        "severity": [
            {
                "reviewer": int(r["reviewer"]),
                "severity": _float(r["severity"]),
                "low": _float(r["severity_low"]),
                "high": _float(r["severity_high"]),
                "n": int(r["n"]),
            }
            for r in (
                result.severity.to_dict("records")
                if result.severity is not None
                else []
            )
        ],
    }


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 6)


def run(run_id: int) -> ScoreRun:
    """Compute the run's cycle; idempotent (a finished run is left as it is)."""
    score_run = ScoreRun.objects.select_related("cycle__framework").get(pk=run_id)
    if score_run.status in (ScoreRun.Status.DONE, ScoreRun.Status.FAILED):
        return score_run
    started = time.perf_counter()
    ScoreRun.objects.filter(pk=run_id).update(
        status=ScoreRun.Status.RUNNING, started_at=timezone.now()
    )
    cycle = score_run.cycle
    try:
        with transaction.atomic():
            _lock(cycle)
            result = compute(read(cycle))
            count = write(cycle, result)
            ScoreRun.objects.filter(pk=run_id).update(
                status=ScoreRun.Status.DONE,
                finished_at=timezone.now(),
                duration_ms=int((time.perf_counter() - started) * 1000),
                regions=count,
                alpha=_float(result.alpha),
                stats=_stats(result),
                error="",
            )
    except Exception as error:
        logger.exception("score run %s failed", run_id)
        ScoreRun.objects.filter(pk=run_id).update(
            status=ScoreRun.Status.FAILED,
            finished_at=timezone.now(),
            duration_ms=int((time.perf_counter() - started) * 1000),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
    score_run.refresh_from_db()
    return score_run


def recompute_now(cycle: Cycle, reason: str = "manual") -> ScoreRun:
    """In the foreground (management command, demo): a run recorded as usual."""
    score_run = ScoreRun.objects.create(
        cycle=cycle, reason=reason, status=ScoreRun.Status.RUNNING
    )
    return run(score_run.pk)


# Releases -------------------------------------------------------------------


def _canonical(content: Mapping[str, Any]) -> str:
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def region_entries(
    cycle: Cycle, result: analytics.CycleResult, codes: dict[Any, str]
) -> list[contract.RegionEntry]:
    """The `regions` of a release's content (also what verify_release
    recomputes); `codes` maps the result's indicator ids to their codes."""
    levels: dict[str, dict[str, contract.LevelEntry]] = {}
    for record in result.levels.to_dict("records"):
        indicator = record["indicator"]
        code = codes[int(indicator) if str(indicator).isdigit() else indicator]
        levels.setdefault(record["region"], {})[code] = {
            "level": str(_decimal(record["level"]).normalize()),
            "source": record["source"],
        }
    regions: list[contract.RegionEntry] = []
    for row in result_rows(cycle, result):
        regions.append(
            {
                "region": row.region_id,
                "index": None if row.index is None else str(row.index),
                "band": row.band,
                "coverage": None if row.coverage is None else str(row.coverage),
                "complete": row.complete,
                "blueprint": None if row.blueprint is None else str(row.blueprint),
                "practice": None if row.practice is None else str(row.practice),
                "details": row.details,
                "size_class": row.size_class,
                "ranks": {field: getattr(row, field) for field in RANK_FIELDS},
                "rank_interval": [row.rank_low, row.rank_high],
                "levels": levels.get(row.region_id, {}),
                "n_reviews": row.n_reviews,
                "ranked": row.ranked,
                "unranked_reason": row.unranked_reason,
                "index_interval": [_string(row.index_low), _string(row.index_high)],
                "uncertainty": row.uncertainty,
                "index_adjusted": _string(row.index_adjusted),
                "rank_adjusted": row.rank_adjusted,
                "tie": [row.tie_low, row.tie_high],
            }
        )
    return regions


def _string(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def method(data: CycleData) -> contract.Method:
    """The method's settings a release states (docs/scoring.md)."""
    return {
        "no_evidence_level": str(
            Decimal(repr(float(data.no_evidence_level))).normalize()
        ),
        "min_reviews": int(data.min_reviews),
        "draws": DRAWS,
        "interval": str(INTERVAL),
    }


def release_content(
    cycle: Cycle, data: CycleData, result: analytics.CycleResult
) -> contract.ReleaseContent:
    """What a release keeps: the framework's weights and bands, every region's
    result, and the indicator levels each result was computed from."""
    framework = cycle.framework
    codes = dict(
        Indicator.objects.filter(framework=framework).values_list("pk", "code")
    )
    regions = region_entries(cycle, result, codes)
    return {
        "cycle": {"id": cycle.pk, "name": cycle.name, "year": cycle.year},
        "framework": {
            "code": framework.code,
            "part_weights": {k: str(v) for k, v in framework.part_weights.items()},
            "aspect_weights": {k: str(v) for k, v in framework.aspect_weights.items()},
            "indicators": {
                code: {"part": part, "aspect": aspect, "weight": str(weight)}
                for code, part, aspect, weight in Indicator.objects.filter(
                    framework=framework
                ).values_list("code", "part", "aspect", "weight")
            },
            "bands": [[code, upper] for code, upper in data.bands],
            "min_coverage": str(framework.min_coverage),
            "target_band": framework.target_band,
        },
        "progress": result.progress,
        "alpha": _float(result.alpha),
        "low_agreement": bool(result.low_agreement),
        "agreement_floor": str(analytics.AGREEMENT_FLOOR),
        "method": method(data),
        "regions": regions,
        # The regions as they were, the framework's full mapping and every
        # reviewer's answers (anonymous ids): see scoring/releases.py.
        "snapshot": releases.snapshot(cycle, data),
    }


class ReleaseError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def publish(*, cycle: Cycle, final: bool, by: User | None = None) -> Release:
    """Compute afresh and publish the result as the cycle's next release; the
    framework version is locked from then on. Content whose checksum equals
    the cycle's latest release of the same kind returns that release (its
    `unchanged` attribute is then True) instead of a new one."""
    from django.utils.translation import gettext as _

    from assessments.services import lock_framework

    _lock(cycle)
    data = read(cycle)
    result = compute(data)
    write(cycle, result)
    if not len(result.scores):
        raise ReleaseError(_("There is nothing to publish: no region has a level yet."))
    content = release_content(cycle, data, result)
    last = (
        Release.objects.select_for_update()
        .filter(cycle=cycle)
        .order_by("-number")
        .first()
    )
    if last is not None and last.kind == Release.Kind.FINAL:
        raise ReleaseError(
            _("The final release is out: nothing more is published for this cycle.")
        )
    kind = Release.Kind.FINAL if final else Release.Kind.PROVISIONAL
    checksum = hashlib.sha256(_canonical(content).encode()).hexdigest()
    if last is not None and last.checksum == checksum and last.kind == kind:
        # Idempotent: the same content as the latest release (a double click,
        # two admins at once: the cycle lock above serialises them) is that
        # release, not a new number. A final release of content equal to the
        # latest provisional one is still published: it changes the status.
        last.unchanged = True
        return last
    release = Release.objects.create(
        cycle=cycle,
        number=(last.number + 1) if last else 1,
        kind=kind,
        published_by=by,
        framework_code=cycle.framework.code,
        checksum=checksum,
        content=content,
    )
    release.unchanged = False
    lock_framework(framework=cycle.framework)
    webhooks.emit(
        "release.published",
        {
            "release": release.pk,
            "cycle": cycle.pk,
            "cycle_year": cycle.year,
            "number": release.number,
            "kind": release.kind,
            "checksum": release.checksum,
            "scores": f"/api/v1/releases/{release.pk}/scores/",
        },
    )
    transaction.on_commit(lambda: _render(release.pk), robust=True)
    return release


def _render(release_id: int) -> None:
    """The worker renders what the public reads of the release (its bytes),
    then computes the weights explorer's attainable ranks (slower, less read)."""
    from scoring import tasks

    tasks.render_release.delay(release_id)
    tasks.compute_attainable.delay(release_id)


def checksum_of(release: Release) -> str:
    return hashlib.sha256(_canonical(release.content).encode()).hexdigest()
