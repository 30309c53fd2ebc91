"""Computed readiness results and their published releases.

A `ScoreRun` records each request to recompute a cycle (so a request made while
the broker is down is not lost) and how it went. `RegionResult` holds the
latest computed, unpublished result per region (ministry eyes only). A
`Release` is a numbered, immutable snapshot of a cycle's results with the
indicator levels they came from, a checksum, and its framework version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Cycle
from regions.models import Region

SCORE = {"max_digits": 9, "decimal_places": 6, "null": True, "blank": True}


class ScoreRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="score_runs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(_("asked for by"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    regions = models.PositiveIntegerField(_("regions computed"), null=True, blank=True)
    alpha = models.FloatField(_("Krippendorff's alpha"), null=True, blank=True)
    stats = models.JSONField(_("statistics"), default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("score run")
        verbose_name_plural = _("score runs")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(status="queued"),
                name="one_queued_run_per_cycle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.status} {self.requested_at:%Y-%m-%d %H:%M}"


class RegionResult(models.Model):
    """The latest computed (unpublished) result of a region in a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="results")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="results")
    index = models.DecimalField(_("readiness index"), **SCORE)
    band = models.CharField(_("band"), max_length=30, blank=True)
    coverage = models.DecimalField(_("coverage"), **SCORE)
    complete = models.BooleanField(_("complete"), default=False)
    blueprint = models.DecimalField(_("Blueprint"), **SCORE)
    practice = models.DecimalField(_("Practice"), **SCORE)
    details = models.JSONField(
        _("scores by dimension, aspect and element"), default=dict
    )
    size_class = models.CharField(max_length=10, blank=True)
    rank_national = models.PositiveIntegerField(null=True, blank=True)
    rank_kind = models.PositiveIntegerField(null=True, blank=True)
    rank_province = models.PositiveIntegerField(null=True, blank=True)
    rank_cohort = models.PositiveIntegerField(null=True, blank=True)
    rank_size = models.PositiveIntegerField(null=True, blank=True)
    rank_low = models.PositiveIntegerField(null=True, blank=True)
    rank_high = models.PositiveIntegerField(null=True, blank=True)
    # The method of docs/scoring.md: who is ranked, why not, uncertainty.
    n_reviews = models.PositiveIntegerField(_("submitted reviews"), default=0)
    ranked = models.BooleanField(_("ranked"), default=False)
    unranked_reason = models.CharField(
        _("why not ranked"), max_length=20, blank=True
    )  # "incomplete" | "few_reviews" | "no_index" | ""
    # xgettext:no-python-format
    index_low = models.DecimalField(_("index, 90% interval low"), **SCORE)
    # xgettext:no-python-format
    index_high = models.DecimalField(_("index, 90% interval high"), **SCORE)
    index_adjusted = models.DecimalField(_("severity-adjusted index"), **SCORE)
    rank_adjusted = models.PositiveIntegerField(null=True, blank=True)
    tie_low = models.PositiveIntegerField(null=True, blank=True)
    tie_high = models.PositiveIntegerField(null=True, blank=True)
    uncertainty = models.JSONField(_("rank intervals and tied groups"), default=dict)

    class Meta:
        ordering = ["cycle", "rank_national", "region"]
        verbose_name = _("region result")
        verbose_name_plural = _("region results")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "region"], name="result_per_region_and_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.index}"


class ReleaseQuerySet(models.QuerySet["Release"]):
    def latest_for(self, cycle: Cycle) -> Release | None:
        return self.filter(cycle=cycle).order_by("-number").first()


class Release(models.Model):
    """A published, numbered and immutable snapshot of a cycle's results."""

    class Kind(models.TextChoices):
        PROVISIONAL = "provisional", _("Provisional")
        FINAL = "final", _("Final")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="releases")
    number = models.PositiveIntegerField(_("release"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    framework_code = models.CharField(_("framework version"), max_length=40)
    checksum = models.CharField(_("SHA-256 of the content"), max_length=64)
    content = models.JSONField(_("content"))

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "-number"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"], name="release_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} #{self.number} ({self.kind})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A published release is immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A published release is kept for good.")


class AttainableRanks(models.Model):
    """A release's exact best and worst attainable national rank per region
    within one set of weight ranges (the weights explorer, docs/weights.md).
    Derived from the release content alone, computed once by the worker: 514
    regions take about a minute and a half on 2 cores, too long for a request."""

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="attainable_ranks"
    )
    ranges_digest = models.CharField(_("SHA-256 of the weight ranges"), max_length=16)
    ranks = models.JSONField(_("best and worst rank per region code"))
    seconds = models.FloatField(_("computing time (s)"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("attainable ranks")
        verbose_name_plural = _("attainable ranks")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "ranges_digest"], name="attainable_ranks_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.release} {self.ranges_digest}"
