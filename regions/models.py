"""The region registry: provinces and kabupaten/kota keyed by Kemendagri code,
and each region's membership of the smart-city program per year."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ProvinceQuerySet(models.QuerySet["Province"]):
    def as_of(self, year: int) -> dict[str, str]:
        """Each province code -> the code of the province its regions belonged
        to in `year`: itself, or for a province formed after `year` the
        province it was formed from (followed back: one query)."""
        rows = {
            code: (formed_in, parent)
            for code, formed_in, parent in self.values_list(
                "code", "formed_in", "formed_from_id"
            )
        }
        out = {}
        for code in rows:
            found = code
            for _step in rows:  # bounded: a chain cannot be longer than the table
                formed_in, parent = rows.get(found, (None, None))
                if formed_in is None or formed_in <= year or parent is None:
                    break
                found = parent
            out[code] = found
        return out


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    capital = models.CharField(_("capital"), max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=12, decimal_places=3, null=True
    )
    population = models.PositiveIntegerField(_("population"), null=True)
    # Formed by law from another province (Papua Tengah from Papua in 2022): its
    # regions belonged to that province before (regions/data/province_formations.csv).
    formed_in = models.PositiveSmallIntegerField(_("formed in (year)"), null=True)
    formed_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("formed from"),
    )
    formed_by = models.CharField(_("law that formed it"), max_length=200, blank=True)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class RegionQuerySet(models.QuerySet["Region"]):
    def with_province(self) -> RegionQuerySet:
        return self.select_related("province")

    def search(self, text: str) -> RegionQuerySet:
        """Match a name, capital or code fragment ("tangerang", "36.74")."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(capital__icontains=text)
            | Q(code__startswith=text)
        )

    def in_cohort(self, year: int) -> RegionQuerySet:
        """Regions whose membership of `year` counts (not cancelled), confirmed
        or not: the regions the home page's cohort count adds up."""
        counting = ProgramMembership.objects.filter(year=year).exclude(
            status=ProgramMembership.Status.CANCELLED
        )
        return self.filter(memberships__in=counting).distinct()


class Region(models.Model):
    """A kabupaten or kota, e.g. 36.74 Kota Tangerang Selatan."""

    class Kind(models.TextChoices):
        KOTA = "kota", _("Kota")
        KABUPATEN = "kabupaten", _("Kabupaten")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="regions",
        verbose_name=_("province"),
    )
    capital = models.CharField(_("capital"), max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=12, decimal_places=3, null=True
    )
    population = models.PositiveIntegerField(_("population"), null=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["kota", "kabupaten"]), name="region_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("regions:detail", args=[self.code])

    @property
    def is_administrative(self) -> bool:
        """DKI Jakarta's Kota/Kabupaten Administrasi are not autonomous regions."""
        return "Administrasi" in self.name


class Program(models.Model):
    """A national program such as Gerakan Menuju 100 Smart City, with its target."""

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_regions = models.PositiveIntegerField(_("target number of regions"))
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["start_year", "code"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_id


class MembershipQuerySet(models.QuerySet["ProgramMembership"]):
    def active(self) -> MembershipQuerySet:
        """Memberships that count toward the program: not cancelled."""
        return self.exclude(status=ProgramMembership.Status.CANCELLED)

    def cohort_sizes(self) -> dict[int, int]:
        """Active regions per cohort year, e.g. {2017: 26, 2018: 49, 2019: 25}."""
        rows = (
            self.active()
            .values("year")
            .annotate(regions=Count("region", distinct=True))
            .order_by("year")
        )
        return {row["year"]: row["regions"] for row in rows}


class ProgramMembership(models.Model):
    """One region's participation in a program in one year, as the sources tell it.

    A region may appear in several years (Kota Depok: 2018 cancelled, 2019 MoU).
    Uncertain rows are kept with `confirmed=False` and a note saying why.
    """

    class Status(models.TextChoices):
        SELECTED = "selected", _("Selected")
        MOU_SIGNED = "mou_signed", _("MoU signed")
        MASTERPLAN_COMPLETED = "masterplan_completed", _("Masterplan completed")
        CANCELLED = "cancelled", _("Cancelled")

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="memberships"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="memberships"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=25, choices=Status.choices)
    confirmed = models.BooleanField(_("confirmed"), default=True)
    name_in_source = models.CharField(_("name in source"), max_length=150)
    source = models.TextField(_("source"))
    note = models.TextField(_("note"), blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["year", "region_id"]
        verbose_name = _("program membership")
        verbose_name_plural = _("program memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "region", "year"], name="membership_unique_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} ({self.status})"

    @property
    def source_url(self) -> str:
        """The first URL of the source text (some sources add a remark after it)."""
        return self.source.split()[0] if self.source else ""
