"""The indicator framework as versioned data, and the assessment cycles that use it.

A framework version (e.g. GM100SC-2017) holds its parts' weights, the evaluation
aspects' weights, the bands, the maturity scale, the six dimensions with their
sub-dimensions, the three readiness elements with their sub-elements, and the
indicators with a five-level rubric. Once results are published with a version
it is locked: a change is a new version.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class Bilingual(models.Model):
    """Rows named in Bahasa Indonesia and English; `name` follows the active language."""

    name_id = models.CharField(_("name (Indonesian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_id


class Part(models.TextChoices):
    BLUEPRINT = "blueprint", _("Blueprint")
    PRACTICE = "practice", _("Practice")


class Aspect(models.TextChoices):
    """Evaluation aspects of the Practice part (Pedoman Evaluasi Smart City)."""

    BASELINE = "baseline", _("Baseline")
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")
    IMPACT = "impact", _("Impact")
    QUICK_WIN = "quick_win", _("Quick Win")


WEIGHT = {"max_digits": 7, "decimal_places": 3, "validators": [MinValueValidator(0)]}


class FrameworkVersion(Bilingual):
    code = models.CharField(_("code"), max_length=40, unique=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    blueprint_weight = models.DecimalField(_("Blueprint weight"), **WEIGHT)
    practice_weight = models.DecimalField(_("Practice weight"), **WEIGHT)
    baseline_weight = models.DecimalField(_("Baseline weight"), **WEIGHT)
    output_weight = models.DecimalField(_("Output weight"), **WEIGHT)
    outcome_weight = models.DecimalField(_("Outcome weight"), **WEIGHT)
    impact_weight = models.DecimalField(_("Impact weight"), **WEIGHT)
    quick_win_weight = models.DecimalField(_("Quick Win weight"), **WEIGHT)
    target_band = models.CharField(
        _("target band"),
        max_length=30,
        help_text=_("Regions at or above this band count toward the program target."),
    )
    min_coverage = models.DecimalField(
        _("minimum coverage"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Weight share of indicators with a level needed to be ranked."),
    )
    no_evidence_level = models.PositiveSmallIntegerField(
        _("level of 'no evidence'"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_(
            "The level a 'no evidence' answer scores as; empty: the lowest level."
        ),
    )
    min_reviews = models.PositiveSmallIntegerField(
        _("minimum reviews"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Submitted reviews a region needs to be ranked."),
    )
    weight_ranges = models.JSONField(
        _("weight ranges"),
        default=dict,
        blank=True,
        help_text=_(
            "Ranges the weights explorer allows: "
            '{"part": {"blueprint": [lo, hi]}, "aspect": {...}}.'
        ),
    )
    source_sha256 = models.CharField(max_length=64, editable=False)
    loaded_at = models.DateTimeField(default=timezone.now, editable=False)
    locked_at = models.DateTimeField(
        _("locked at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when results are published with this version."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.CheckConstraint(
                condition=Q(blueprint_weight__gt=0) | Q(practice_weight__gt=0),
                name="framework_has_part_weight",
            ),
            models.CheckConstraint(
                condition=Q(min_coverage__gte=0, min_coverage__lte=1),
                name="framework_min_coverage_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def part_weights(self) -> dict[str, Decimal]:
        return {
            Part.BLUEPRINT: self.blueprint_weight,
            Part.PRACTICE: self.practice_weight,
        }

    @property
    def aspect_weights(self) -> dict[str, Decimal]:
        return {aspect: getattr(self, f"{aspect}_weight") for aspect in Aspect.values}


class MaturityLevel(Bilingual):
    """A step of the 1-5 maturity scale, e.g. 1 Rintisan ... 5 Optimum."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["framework", "level"]
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")
        constraints = [
            models.UniqueConstraint(fields=["framework", "level"], name="level_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="level_1_to_5"
            ),
        ]


class Band(Bilingual):
    """A predikat: indices from the previous band's upper bound up to `upper_bound`
    (exclusive) fall in this band; the top band has no upper bound."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="bands"
    )
    code = models.CharField(max_length=30)
    order = models.PositiveSmallIntegerField()
    upper_bound = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="band_code_unique"
            ),
            models.UniqueConstraint(
                fields=["framework", "order"], name="band_order_unique"
            ),
        ]


class Dimension(Bilingual):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.CharField(max_length=20)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="dimension_code_unique"
            )
        ]


class SubDimension(Bilingual):
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="sub_dimensions"
    )
    code = models.CharField(max_length=20)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["dimension__order", "order"]
        verbose_name = _("sub-dimension")
        verbose_name_plural = _("sub-dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "code"], name="subdimension_code_unique"
            )
        ]


class ReadinessElement(Bilingual):
    """Struktur, Infrastruktur or Suprastruktur."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="readiness_elements"
    )
    code = models.CharField(max_length=20)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("readiness element")
        verbose_name_plural = _("readiness elements")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="element_code_unique"
            )
        ]


class ReadinessSubElement(Bilingual):
    """E.g. Struktur: SDM, Keuangan, Tata kelola."""

    element = models.ForeignKey(
        ReadinessElement, on_delete=models.CASCADE, related_name="sub_elements"
    )
    code = models.CharField(max_length=20)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["element__order", "order"]
        verbose_name = _("readiness sub-element")
        verbose_name_plural = _("readiness sub-elements")
        constraints = [
            models.UniqueConstraint(
                fields=["element", "code"], name="subelement_code_unique"
            )
        ]


class Indicator(Bilingual):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField()
    part = models.CharField(_("part"), max_length=10, choices=Part.choices)
    aspect = models.CharField(
        _("evaluation aspect"),
        max_length=10,
        choices=Aspect.choices,
        blank=True,
        help_text=_("Practice indicators only."),
    )
    sub_dimension = models.ForeignKey(
        SubDimension,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("sub-dimension"),
    )
    readiness = models.ForeignKey(
        ReadinessSubElement,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("readiness sub-element"),
    )
    weight = models.DecimalField(_("weight"), **WEIGHT)
    guidance_id = models.TextField(_("guidance (Indonesian)"))
    guidance_en = models.TextField(_("guidance (English)"))

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="indicator_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="indicator_weight_positive"
            ),
            models.CheckConstraint(
                condition=(Q(part="blueprint") & Q(aspect=""))
                | (Q(part="practice") & ~Q(aspect="")),
                name="indicator_aspect_only_for_practice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def guidance(self) -> str:
        return self.guidance_en if get_language() == "en" else self.guidance_id


class RubricLevel(models.Model):
    """What an indicator looks like at one maturity level."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="rubric"
    )
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    descriptor_id = models.TextField(_("descriptor (Indonesian)"))
    descriptor_en = models.TextField(_("descriptor (English)"))

    class Meta:
        ordering = ["indicator", "level"]
        verbose_name = _("rubric level")
        verbose_name_plural = _("rubric levels")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level"], name="rubric_level_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="rubric_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} L{self.level}"

    @property
    def descriptor(self) -> str:
        return self.descriptor_en if get_language() == "en" else self.descriptor_id


class CycleQuerySet(models.QuerySet["Cycle"]):
    def current(self) -> Cycle | None:
        """The latest cycle that has opened, else the earliest upcoming one."""
        now = timezone.now()
        opened = self.filter(submissions_open__lte=now).order_by("-submissions_open")
        return opened.first() or self.order_by("submissions_open").first()

    def named(self, value: str) -> CycleQuerySet:
        """Cycles matching a year ("2017") or an exact name, for commands."""
        value = value.strip()
        return (
            self.filter(year=int(value)) if value.isdigit() else self.filter(name=value)
        )


class Cycle(models.Model):
    """One assessment round: a year, its framework version, its regions, its deadlines."""

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        SUBMISSIONS = "submissions", _("Submissions open")
        REVIEWS = "reviews", _("Under review")
        APPEALS = "appeals", _("Appeals open")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    framework = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("framework version"),
    )
    regions = models.ManyToManyField(
        Region,
        related_name="cycles",
        blank=True,
        verbose_name=_("participating regions"),
        help_text=_("Leave empty to take that year's cohort."),
    )
    submissions_open = models.DateTimeField(_("submissions open"))
    submissions_close = models.DateTimeField(_("submissions close"))
    reviews_close = models.DateTimeField(_("reviews close"))
    appeals_close = models.DateTimeField(_("appeals close"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-submissions_open"]
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="cycle_name_unique"),
            models.CheckConstraint(
                condition=Q(submissions_open__lt=F("submissions_close"))
                & Q(submissions_close__lte=F("reviews_close"))
                & Q(reviews_close__lte=F("appeals_close")),
                name="cycle_deadlines_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        dates = [
            self.submissions_open,
            self.submissions_close,
            self.reviews_close,
            self.appeals_close,
        ]
        if None in dates:
            return
        if not (dates[0] < dates[1] <= dates[2] <= dates[3]):
            raise ValidationError(
                _(
                    "Deadlines must be in order: submissions open, submissions close, "
                    "reviews close, appeals close."
                )
            )

    def phase_at(self, moment: datetime | None = None) -> str:
        moment = moment or timezone.now()
        if moment < self.submissions_open:
            return self.Phase.UPCOMING
        if moment < self.submissions_close:
            return self.Phase.SUBMISSIONS
        if moment < self.reviews_close:
            return self.Phase.REVIEWS
        if moment < self.appeals_close:
            return self.Phase.APPEALS
        return self.Phase.CLOSED

    @property
    def phase(self) -> str:
        return self.phase_at()

    def get_phase_display(self) -> str:
        """The phase by the deadlines, except for the demo cycle, which keeps
        submissions open (to try the form) while its reviews are in and its
        provisional results published (issue 17): it says so."""
        phase = self.phase
        if (
            self.is_demo
            and phase in (self.Phase.UPCOMING, self.Phase.SUBMISSIONS)
            and self.releases.exists()
        ):
            return str(_("Demo: submissions still open, reviews in, results published"))
        return self.Phase(phase).label
