from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import (
    Band,
    Cycle,
    Dimension,
    FrameworkVersion,
    Indicator,
    ReadinessElement,
    RubricLevel,
    SubDimension,
)
from regions.models import ProgramMembership, Province, Region
from scoring import contract
from scoring.models import Release


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name"]


class CohortYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgramMembership
        fields = ["year", "status", "confirmed"]


class RegionSerializer(serializers.ModelSerializer):
    province = ProvinceSerializer()
    cohort_years = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "kind",
            "province",
            "capital",
            "latitude",
            "longitude",
            "area_km2",
            "population",
            "cohort_years",
        ]

    @extend_schema_field(CohortYearSerializer(many=True))
    def get_cohort_years(self, region: Region) -> list[dict]:
        """Every program membership of the region by year, with its status
        ("cancelled" ones count nowhere) and whether the sources confirm it
        (unconfirmed ones get no cohort rank; docs/scoring.md, "Cohorts")."""
        memberships = sorted(region.memberships.all(), key=lambda m: m.year)
        return CohortYearSerializer(memberships, many=True).data


class CycleSerializer(serializers.ModelSerializer):
    framework = serializers.CharField(source="framework.code")
    phase = serializers.CharField()
    regions = serializers.IntegerField(source="region_count")

    class Meta:
        model = Cycle
        fields = [
            "id",
            "year",
            "name",
            "framework",
            "phase",
            "submissions_open",
            "submissions_close",
            "reviews_close",
            "appeals_close",
            "regions",
            "is_demo",
        ]


class NamedSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> dict[str, str]:
        return {"id": obj.name_id, "en": obj.name_en}


class RubricSerializer(serializers.ModelSerializer):
    descriptor = serializers.SerializerMethodField()

    class Meta:
        model = RubricLevel
        fields = ["level", "descriptor"]

    def get_descriptor(self, obj: RubricLevel) -> dict[str, str]:
        return {"id": obj.descriptor_id, "en": obj.descriptor_en}


class IndicatorSerializer(NamedSerializer):
    sub_dimension = serializers.CharField(source="sub_dimension.code")
    readiness = serializers.CharField(source="readiness.code")
    guidance = serializers.SerializerMethodField()
    rubric = RubricSerializer(many=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "part",
            "aspect",
            "sub_dimension",
            "readiness",
            "weight",
            "guidance",
            "rubric",
        ]

    def get_guidance(self, obj: Indicator) -> dict[str, str]:
        return {"id": obj.guidance_id, "en": obj.guidance_en}


class SubDimensionSerializer(NamedSerializer):
    class Meta:
        model = SubDimension
        fields = ["code", "name"]


class DimensionSerializer(NamedSerializer):
    sub_dimensions = SubDimensionSerializer(many=True)

    class Meta:
        model = Dimension
        fields = ["code", "name", "sub_dimensions"]


class ElementSerializer(NamedSerializer):
    sub_elements = SubDimensionSerializer(many=True)

    class Meta:
        model = ReadinessElement
        fields = ["code", "name", "sub_elements"]


class BandSerializer(NamedSerializer):
    class Meta:
        model = Band
        fields = ["code", "name", "order", "upper_bound"]


class FrameworkSerializer(NamedSerializer):
    locked = serializers.BooleanField(source="is_locked")

    class Meta:
        model = FrameworkVersion
        fields = ["id", "code", "name", "locked", "loaded_at"]


class FrameworkDetailSerializer(FrameworkSerializer):
    part_weights = serializers.DictField(child=serializers.DecimalField(7, 3))
    aspect_weights = serializers.DictField(child=serializers.DecimalField(7, 3))
    bands = BandSerializer(many=True)
    dimensions = DimensionSerializer(many=True)
    readiness_elements = ElementSerializer(many=True)
    indicators = IndicatorSerializer(many=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [
            *FrameworkSerializer.Meta.fields,
            "part_weights",
            "aspect_weights",
            "target_band",
            "min_coverage",
            "bands",
            "dimensions",
            "readiness_elements",
            "indicators",
        ]


class ReleaseSerializer(serializers.ModelSerializer):
    cycle = serializers.IntegerField(source="cycle_id")
    cycle_year = serializers.IntegerField(source="cycle.year")
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = [
            "id",
            "cycle",
            "cycle_year",
            "number",
            "kind",
            "published_at",
            "framework_code",
            "checksum",
            "progress",
        ]

    def get_progress(self, release: Release) -> dict[str, int]:
        """Regions at or above the target band, and the program's target."""
        progress = getattr(release, "progress", None)
        return progress if progress is not None else release.content.get("progress", {})


class ScoreSerializer(serializers.Serializer):
    """One region's published result (documentation of the rows)."""

    region = serializers.CharField()
    name = serializers.CharField()
    index = serializers.DecimalField(9, 6, allow_null=True)
    band = serializers.CharField(
        allow_blank=True, help_text='Band code; "" for an incomplete result.'
    )
    coverage = serializers.DecimalField(
        9,
        6,
        allow_null=True,
        help_text="Share of the index's weight with an evidenced level (0-1).",
    )
    complete = serializers.BooleanField(
        help_text="Coverage reaches the framework minimum; false: incomplete "
        '(no band, no rank, unranked_reason "incomplete").'
    )
    blueprint = serializers.DecimalField(9, 6, allow_null=True)
    practice = serializers.DecimalField(9, 6, allow_null=True)
    aggregates = serializers.DictField(child=serializers.FloatField())
    size_class = serializers.CharField(allow_blank=True)
    rank_national = serializers.IntegerField(allow_null=True)
    rank_kind = serializers.IntegerField(allow_null=True)
    rank_province = serializers.IntegerField(allow_null=True)
    rank_cohort = serializers.IntegerField(allow_null=True)
    rank_size = serializers.IntegerField(allow_null=True)
    rank_low = serializers.IntegerField(
        allow_null=True, help_text="Best national rank of the 90% rank interval."
    )
    rank_high = serializers.IntegerField(
        allow_null=True, help_text="Worst national rank of the 90% rank interval."
    )
    ranked = serializers.BooleanField(
        help_text="Ranked: complete and at least min_reviews submitted reviews. "
        "Unranked rows have null ranks."
    )
    unranked_reason = serializers.ChoiceField(
        choices=["", *contract.UNRANKED_REASONS],
        allow_blank=True,
        help_text='Why the row is not ranked: "incomplete" (coverage below the '
        'framework minimum: no band either), "few_reviews" (fewer than '
        'min_reviews submitted reviews), "no_index"; "" when ranked.',
    )
    n_reviews = serializers.IntegerField(
        allow_null=True,
        help_text="Submitted reviews of the region (null in releases published "
        "before it was recorded).",
    )
    min_reviews = serializers.IntegerField(
        help_text="Submitted reviews a region needs to be ranked in this release."
    )
    tie_low = serializers.IntegerField(
        allow_null=True,
        help_text="First rank of the region's national tied group (regions "
        "whose intervals cannot be told apart). Order and label a public "
        "ranking by group ('rank 3-9'), the point rank second.",
    )
    tie_high = serializers.IntegerField(
        allow_null=True, help_text="Last rank of the national tied group."
    )
    index_low = serializers.DecimalField(
        9,
        6,
        allow_null=True,
        help_text="Lower end of the index's 90% interval (bootstrap over whole "
        "reviews).",
    )
    index_high = serializers.DecimalField(
        9, 6, allow_null=True, help_text="Upper end of the index's 90% interval."
    )
    index_adjusted = serializers.DecimalField(
        9,
        6,
        allow_null=True,
        help_text="Sensitivity only, not the official index: the index with each "
        "reviewer's severity taken out.",
    )
    rank_adjusted = serializers.IntegerField(
        allow_null=True,
        help_text="Sensitivity: the national rank by index_adjusted.",
    )
    rank_change = serializers.IntegerField(
        allow_null=True,
        help_text="rank_national - rank_adjusted: positive when the region "
        "climbs once severity is taken out.",
    )
    uncertainty = serializers.DictField(
        child=serializers.DictField(),
        help_text="Per peer group ("
        + ", ".join(f'"{key}"' for key in contract.PEER_GROUP_KEYS)
        + ', present only where the region is ranked): {"interval": [best, '
        'worst] 90% rank interval, "tie": [first, last] tied group}. Not in CSV.',
    )
    low_agreement = serializers.BooleanField(
        help_text="The release's inter-reviewer agreement (Krippendorff's alpha) "
        f"is below {contract.AGREEMENT_FLOOR}: small rank differences are not "
        "meaningful."
    )
    caveat = serializers.CharField(
        allow_blank=True,
        help_text="The release's caveat in the response language, '' when none.",
    )


class ScoreDetailSerializer(ScoreSerializer):
    levels = serializers.DictField(
        child=serializers.DictField(), help_text="Indicator code -> level and source."
    )
