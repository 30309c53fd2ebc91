"""Reads for the submission pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from assessments.models import Indicator, Part
from submissions.models import (
    DocumentType,
    DocumentVersion,
    EvidenceItem,
    RevisionItem,
    StoredFile,
    Submission,
)


@dataclass(frozen=True)
class SubmitChecklist:
    """What an official sees before handing a submission to the ministry: the
    masterplan (present, read, pre-screen), the Practice indicators still
    without evidence and the open revision items. Only a missing masterplan
    blocks (the service refuses it); the rest is for the official to weigh."""

    masterplan: DocumentVersion | None
    without_evidence: list[Indicator] = field(default_factory=list)
    practice_total: int = 0
    evidence_count: int = 0
    revision_items: list[RevisionItem] = field(default_factory=list)

    @property
    def masterplan_read(self) -> bool:
        return bool(
            self.masterplan and self.masterplan.file.status == StoredFile.Status.DONE
        )

    @property
    def masterplan_processing(self) -> bool:
        return bool(self.masterplan and not self.masterplan.file.is_final)

    @property
    def blocked(self) -> bool:
        return self.masterplan is None

    @property
    def warnings(self) -> int:
        """Points the official should look at before confirming."""
        return (
            (0 if self.masterplan is None or self.masterplan_read else 1)
            + (1 if self.masterplan and self.masterplan.file.prescreen_missing else 0)
            + (1 if self.without_evidence else 0)
        )


def submit_checklist(submission: Submission) -> SubmitChecklist:
    """The same number of queries whatever the number of indicators and
    evidence items."""
    masterplan = (
        DocumentVersion.objects.filter(
            document__submission=submission,
            document__doc_type=DocumentType.MASTERPLAN,
        )
        .select_related("file", "document")
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    practice = list(
        Indicator.objects.filter(
            framework_id=submission.cycle.framework_id, part=Part.PRACTICE
        ).order_by("order")
    )
    evidenced = list(
        EvidenceItem.objects.filter(submission=submission).values_list(
            "indicator_id", flat=True
        )
    )
    revision = submission.open_revision()
    covered = set(evidenced)
    return SubmitChecklist(
        masterplan=masterplan,
        without_evidence=[i for i in practice if i.pk not in covered],
        practice_total=len(practice),
        evidence_count=len(evidenced),
        revision_items=list(revision.items.select_related("indicator"))
        if revision
        else [],
    )
