"""The exports: a release's table and a cycle's reviews, as CSV or XLSX."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Band, Cycle
from dashboards import display, exports
from dashboards.services.reading import published_content, release_frame
from reviews.models import Answer
from scoring.models import Release


def release_export(release: Release, fmt: str) -> bytes:
    band_names = {
        band.code: band.name
        for band in Band.objects.filter(framework__code=release.framework_code)
    }
    content = published_content(release)
    table = exports.release_table(
        release_frame(release, content),
        band_names=band_names,
        low_agreement=display.low_agreement(content),
        caveat=display.caveat(content),
    )
    if fmt == "csv":
        return exports.to_csv(table)
    return exports.to_xlsx(
        table,
        sheet=_("Release"),
        notes=[
            (_("Cycle"), release.cycle.name),
            (_("Release"), f"{release.number} ({release.get_kind_display()})"),
            (_("Published at"), release.published_at.isoformat()),
            (_("Framework version"), release.framework_code),
            (_("SHA-256 of the content"), release.checksum),
            *(
                [(_("Caveat"), display.caveat(content))]
                if display.low_agreement(content)
                else []
            ),
        ],
    )


def reviews_export(cycle: Cycle, fmt: str) -> bytes:
    """Every answer of the cycle's reviews: region x indicator x reviewer."""
    rows = [
        {
            "region_code": region_code,
            "region_name": region_name,
            "indicator": indicator,
            "reviewer": reviewer,
            "review_status": status,
            "level": level,
            "no_evidence": no_evidence,
            "comment": comment,
            "citation": (
                f"{cited_name} p. {cited_page}" if cited_name and cited_page else ""
            ),
            "submitted_at": submitted_at.isoformat() if submitted_at else None,
        }
        for (
            region_code,
            region_name,
            indicator,
            reviewer,
            status,
            level,
            no_evidence,
            comment,
            cited_name,
            cited_page,
            submitted_at,
        ) in Answer.objects.filter(review__cycle=cycle)
        .order_by("review__region_id", "indicator__order", "review__reviewer__username")
        .values_list(
            "review__region_id",
            "review__region__name",
            "indicator__code",
            "review__reviewer__username",
            "review__status",
            "level",
            "no_evidence",
            "comment",
            "cited_version__original_name",
            "cited_page",
            "review__submitted_at",
        )
    ]
    table = exports.review_table(rows)
    if fmt == "csv":
        return exports.to_csv(table)
    return exports.to_xlsx(
        table,
        sheet=_("Reviews"),
        notes=[
            (_("Cycle"), cycle.name),
            (_("Exported at"), timezone.now().isoformat()),
        ],
    )
