"""Demo submissions for `seed_demo`: each pilot region uploads a generated
masterplan (with the Indonesian chapter headings the pre-screen looks for) and
some practice evidence, then submits. Kota Tangerang Selatan stays a draft so the
official's flow (upload, pre-screen, submit) can be tried in the demo."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from fpdf import FPDF

from assessments.models import Cycle, Indicator, Part
from demo.documents import masterplan_pdf
from submissions import services
from submissions.models import (
    Document,
    DocumentType,
    DocumentVersion,
    EvidenceItem,
    RevisionRequest,
    Submission,
    SubmissionEvent,
)

DRAFT_REGION = "36.74"  # Kota Tangerang Selatan: left as a draft to try the flow

# (title, responsible unit, output, outcome, unit, quick win)
EVIDENCE = [
    (
        "Mal Pelayanan Publik dan perizinan daring",
        "Dinas Penanaman Modal dan PTSP",
        1250,
        87,
        "izin per bulan / % selesai tepat waktu",
        False,
    ),
    (
        "Wi-Fi publik di taman kota",
        "Dinas Komunikasi dan Informatika",
        40,
        12000,
        "titik / pengguna per bulan",
        True,
    ),
    (
        "Aplikasi pengaduan warga",
        "Dinas Komunikasi dan Informatika",
        3400,
        92,
        "aduan / % ditindaklanjuti",
        True,
    ),
]


def reset(cycles: Iterable[Cycle]) -> None:
    """Remove the demo cycles' submissions (demo data only; stored files stay,
    shared by content, and the regenerated PDFs are identical)."""
    submissions = Submission.objects.filter(cycle__in=list(cycles))
    SubmissionEvent.objects.filter(submission__in=submissions).delete()
    EvidenceItem.objects.filter(submission__in=submissions).delete()
    DocumentVersion.objects.filter(document__submission__in=submissions).delete()
    Document.objects.filter(submission__in=submissions).delete()
    RevisionRequest.objects.filter(submission__in=submissions).delete()
    submissions.delete()


def report_pdf(title: str, region_name: str) -> bytes:
    """A one-page activity report attached to a piece of evidence."""
    pdf = FPDF()
    pdf.set_creation_date(datetime(2017, 12, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 10, f"Laporan Kegiatan: {title}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0,
        7,
        f"{region_name}. Laporan capaian program tahun 2017, disusun oleh perangkat "
        "daerah penanggung jawab sebagai bukti pelaksanaan.",
    )
    return bytes(pdf.output())


def seed(cycle: Cycle, officials: dict[str, User], year: int, at: datetime) -> None:
    """Give each region of the cycle a masterplan and evidence; submit all but
    the draft region, which gets evidence but no masterplan (README: its
    official uploads one). `officials` maps region codes to their official; `at` is
    the demo's "now", inside the submission period."""
    indicators = list(
        Indicator.objects.filter(framework=cycle.framework, part=Part.PRACTICE)
        .order_by("order")
        .values_list("pk", flat=True)
    )
    for region in cycle.regions.order_by("code"):
        user = officials[region.code]
        submission = services.workspace_for(user, cycle)
        if region.code != DRAFT_REGION:  # its official uploads one to try the flow
            services.upload_document(
                submission=submission,
                user=user,
                uploaded=ContentFile(
                    masterplan_pdf(region.name, year),
                    name=f"Masterplan Smart City {region.name}.pdf",
                ),
                doc_type=DocumentType.MASTERPLAN,
                title=f"Masterplan Smart City {region.name} {year}-{year + 10}",
                at=at,
            )
        for number, (title, unit, output, outcome, unit_label, quick) in enumerate(
            EVIDENCE
        ):
            indicator = Indicator.objects.get(
                pk=indicators[(number * 7 + int(region.code[-2:])) % len(indicators)]
            )
            services.save_evidence(
                submission=submission,
                user=user,
                fields={
                    "indicator": indicator,
                    "title": title,
                    "description": "",
                    "responsible_unit": unit,
                    "period_start": date(year, 1, 1),
                    "period_end": date(year, 12, 31),
                    "output_value": output,
                    "outcome_value": outcome,
                    "unit": unit_label,
                    "link": "",
                    "is_quick_win": quick,
                },
                uploaded=ContentFile(
                    report_pdf(title, region.name), name=f"Laporan {title}.pdf"
                ),
                at=at,
            )
        if region.code != DRAFT_REGION:
            services.submit(submission=submission, user=user, at=at)
