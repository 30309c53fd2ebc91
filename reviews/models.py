"""Reviewers score regions: who reviews which region in a cycle (a `Review`,
made by assignment), their answer per indicator, the consensus recorded where
they disagree, appeals in the masa sanggah, and the trail of every score change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Cycle, Indicator
from regions.models import Region
from submissions.models import DocumentVersion, StoredFile, Submission

LEVEL_RANGE = Q(level__isnull=True) | Q(level__gte=1, level__lte=5)


class ConflictOfInterest(models.Model):
    """A reviewer never reviews a region they declared a conflict with."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("reviewer"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "region"], name="conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} - {self.region}"


class ReviewQuerySet(models.QuerySet["Review"]):
    def of_reviewer(self, user: settings.AUTH_USER_MODEL) -> ReviewQuerySet:
        """The reviewer's own reviews, minus regions they declared a conflict with."""
        return self.filter(reviewer=user).exclude(
            region__in=ConflictOfInterest.objects.filter(reviewer=user).values("region")
        )

    def submitted(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.SUBMITTED)

    def visible_to(self, user: settings.AUTH_USER_MODEL) -> ReviewQuerySet:
        """Admins see every review; anyone else their own (of_reviewer)."""
        from accounts.roles import is_admin

        return self.all() if is_admin(user) else self.of_reviewer(user)


class Review(models.Model):
    """One reviewer's review of one region in one cycle; made by assignment.

    `version` grows with every save, so a save made from a stale copy (another
    tab, another person) is refused instead of overwriting newer answers.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="reviews")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("reviewer"),
    )
    is_lead = models.BooleanField(
        _("lead reviewer"),
        default=False,
        help_text=_("Records the consensus and decides appeals for the region."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "region", "reviewer"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "region", "reviewer"], name="review_unique"
            ),
            models.UniqueConstraint(
                fields=["cycle", "region"],
                condition=Q(is_lead=True),
                name="one_lead_per_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.region} · {self.cycle}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class AnswerQuerySet(models.QuerySet["Answer"]):
    def visible_to(self, user: settings.AUTH_USER_MODEL) -> AnswerQuerySet:
        """Admins see every answer; a reviewer the answers of their own
        reviews, and, once their review of a region is submitted, the other
        reviewers' answers for that region and cycle."""
        from accounts.roles import is_admin

        if is_admin(user):
            return self.all()
        own = Review.objects.of_reviewer(user)
        submitted_own = own.submitted().filter(
            cycle=OuterRef("review__cycle"), region=OuterRef("review__region")
        )
        return self.filter(Q(review__in=own) | Exists(submitted_own))


class Answer(models.Model):
    """A reviewer's answer for one indicator: a level 1-5, or "no evidence"."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    no_evidence = models.BooleanField(_("no evidence"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    cited_version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cited document"),
    )
    cited_page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["review", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "indicator"], name="answer_unique"
            ),
            models.CheckConstraint(condition=LEVEL_RANGE, name="answer_level_1_to_5"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(no_evidence=False),
                name="answer_level_or_no_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} {self.indicator.code}: {self.value_label}"

    @property
    def is_answered(self) -> bool:
        return self.level is not None or self.no_evidence

    @property
    def value_label(self) -> str:
        return describe(self.level, self.no_evidence)


def describe(level: int | None, no_evidence: bool) -> str:
    """How a score reads in the audit trail: "3", "no evidence" or "" (blank)."""
    if no_evidence:
        return "no evidence"
    return "" if level is None else str(level)


class Consensus(models.Model):
    """The level agreed for an indicator where reviewers disagreed, and why."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("consensus level"))
    rationale = models.TextField(_("rationale"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consensus")
        verbose_name_plural = _("consensus levels")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "region", "indicator"], name="consensus_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="consensus_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.indicator.code}: {self.level}"


class Appeal(models.Model):
    """A region's appeal (sanggahan) against the level of one indicator."""

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="appeals"
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("indicator"),
    )
    reason = models.TextField(_("reason"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.FILED
    )
    new_level = models.PositiveSmallIntegerField(_("new level"), null=True, blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator"],
                condition=Q(status="filed"),
                name="one_open_appeal_per_indicator",
            ),
            models.CheckConstraint(
                condition=Q(new_level__isnull=True)
                | Q(new_level__gte=1, new_level__lte=5),
                name="appeal_level_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="upheld") | Q(new_level__isnull=False),
                name="upheld_appeal_has_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission.region} {self.indicator.code} ({self.status})"


class ScoreChange(models.Model):
    """The audit trail of scores: every change of a reviewer's answer, every
    consensus and every appeal decision, with old and new value. Append-only."""

    class Source(models.TextChoices):
        REVIEW = "review", _("Review")
        CONSENSUS = "consensus", _("Consensus")
        APPEAL = "appeal", _("Appeal")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    # Kept when a review is withdrawn (a conflict declared late): the trail stays.
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    old_value = models.CharField(max_length=20, blank=True)
    new_value = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")

    def __str__(self) -> str:
        return (
            f"{self.region} {self.indicator.code}: {self.old_value} → {self.new_value}"
        )
