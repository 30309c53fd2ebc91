"""What a region hands in for a cycle: its blueprint documents (masterplan,
quick-win plan, regulations, annexes, each with versions) and its practice
evidence, with the submission's workflow and audit trail.

Uploaded files are content-addressed (`StoredFile`, one per sha256) and stored
under random names; documents and evidence point at them. Nothing an official
uploads is deleted: a new upload makes a new version.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Cycle, Indicator, Part
from regions.models import Region


class ExpectedPart(models.TextChoices):
    """What the masterplan pre-screen looks for (keys of `prescreen.EXPECTED_PARTS`)."""

    BASELINE = "baseline", _("Analysis of current conditions (baseline)")
    VISION_MISSION = "vision_mission", _("Vision and mission")
    GOVERNANCE = "governance", _("Smart Governance")
    BRANDING = "branding", _("Smart Branding")
    ECONOMY = "economy", _("Smart Economy")
    SOCIETY = "society", _("Smart Society")
    LIVING = "living", _("Smart Living")
    ENVIRONMENT = "environment", _("Smart Environment")
    QUICK_WINS = "quick_wins", _("Quick wins")
    ROADMAP = "roadmap", _("Roadmap for 5-10 years")
    BUDGET = "budget", _("Budget and financing")
    INSTITUTIONS = "institutions", _("Institutions (Dewan Smart City, Tim Pelaksana)")
    REGULATION = "regulation", _("Regulation (Perbup/Perwal/Perda)")


def random_storage_name(instance: StoredFile, filename: str) -> str:
    """A random name with no extension: nothing about the upload reaches the disk."""
    name = uuid.uuid4().hex
    return str(PurePosixPath("uploads", name[:2], name))


class StoredFile(models.Model):
    """One uploaded file's bytes, stored once whatever uploads it again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        DONE = "done", _("Done")
        NEEDS_ATTENTION = "needs_attention", _("Needs attention")

    class Reason(models.TextChoices):
        """Why a file needs attention, in words for the official and reviewers."""

        UNREADABLE = (
            "unreadable",
            _(
                "The text of this file could not be read (it may be damaged). "
                "Reviewers will read it themselves; you may upload a new copy."
            ),
        )
        NO_TEXT = (
            "no_text",
            _(
                "This file has no text layer (it looks like scanned pages), so the "
                "pre-screen cannot check it. Reviewers will read it themselves; upload "
                "a text-based PDF if you have one."
            ),
        )
        TIMEOUT = (
            "timeout",
            _(
                "Reading this file took too long. Reviewers will read it themselves; "
                "you may upload a smaller copy."
            ),
        )
        UNAVAILABLE = (
            "unavailable",
            _(
                "The stored file could not be opened for reading. Please tell the "
                "ministry's help desk; the file itself is kept."
            ),
        )

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    kind = models.CharField(max_length=4, choices=[("pdf", "PDF"), ("docx", "DOCX")])
    file = models.FileField(upload_to=random_storage_name, max_length=200)
    status = models.CharField(
        _("processing status"),
        max_length=20,
        choices=Status.choices,
        default=Status.QUEUED,
    )
    status_reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, blank=True
    )
    status_detail = models.TextField(_("technical detail"), blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    prescreen = models.JSONField(
        _("pre-screen"),
        null=True,
        blank=True,
        help_text=_("Expected masterplan part -> pages where it was found."),
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.NEEDS_ATTENTION)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    def prescreen_rows(self) -> list[tuple[str, list[int]]]:
        """(label, pages) for every expected part, in order; [] when missing."""
        found = self.prescreen or {}
        return [(part.label, found.get(part.value, [])) for part in ExpectedPart]

    @property
    def prescreen_missing(self) -> int:
        return sum(1 for _label, pages in self.prescreen_rows() if not pages)


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class PageText(models.Model):
    """The text of one page, extracted by the processing job."""

    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["file", "number"]
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="page_unique")
        ]

    def __str__(self) -> str:
        return f"{self.file} p{self.number}"


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def visible_to(self, user: settings.AUTH_USER_MODEL) -> SubmissionQuerySet:
        """Officials see their own region's; ministry staff see all; others none."""
        from accounts.models import Role
        from accounts.roles import role_of

        role = role_of(user)
        if role in (Role.ADMIN, Role.REVIEWER):
            return self.all()
        if role == Role.OFFICIAL:
            profile = getattr(user, "profile", None)
            if profile is not None and profile.region_id:
                return self.filter(region_id=profile.region_id)
        return self.none()


@dataclass(frozen=True)
class EditScope:
    """What an official may change now: the blueprint documents, and the
    evidence of which Practice indicators (None = all of them)."""

    documents: bool
    indicator_ids: frozenset[int] | None
    until: datetime | None = None

    @property
    def evidence(self) -> bool:
        return self.indicator_ids is None or bool(self.indicator_ids)

    @property
    def anything(self) -> bool:
        return self.documents or self.evidence

    def allows_indicator(self, indicator_id: int) -> bool:
        return self.indicator_ids is None or indicator_id in self.indicator_ids


LOCKED = EditScope(documents=False, indicator_ids=frozenset())


class Submission(models.Model):
    """A region's blueprint and practice evidence for one cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        RESUBMITTED = "resubmitted", _("Resubmitted")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="submissions"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "region"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "region"], name="submission_per_region_and_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.cycle}"

    def open_revision(self) -> RevisionRequest | None:
        return self.revision_requests.filter(closed_at__isnull=True).first()

    def edit_scope(self, moment: datetime | None = None) -> EditScope:
        moment = moment or timezone.now()
        cycle = self.cycle
        if self.status == self.Status.DRAFT:
            if cycle.submissions_open <= moment < cycle.submissions_close:
                return EditScope(True, None, cycle.submissions_close)
            return LOCKED
        if self.status == self.Status.REVISION_REQUESTED:
            request = self.open_revision()
            if request is None or moment >= request.due_at:
                return LOCKED
            items = list(request.items.select_related("indicator"))
            return EditScope(
                documents=any(i.indicator.part == Part.BLUEPRINT for i in items),
                indicator_ids=frozenset(
                    i.indicator_id for i in items if i.indicator.part == Part.PRACTICE
                ),
                until=request.due_at,
            )
        return LOCKED


class DocumentType(models.TextChoices):
    MASTERPLAN = "masterplan", _("Masterplan")
    QUICK_WIN_PLAN = "quick_win_plan", _("Quick-win plan")
    REGULATION = "regulation", _("Regulation (Perbup/Perwal)")
    ANNEX = "annex", _("Annex")


class Document(models.Model):
    """One document of the blueprint; its content lives in its versions."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="documents"
    )
    doc_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "doc_type", "created_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def next_version_number(self) -> int:
        return (self.versions.aggregate(n=Max("number"))["n"] or 0) + 1


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="document_versions"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class EvidenceItem(models.Model):
    """Practice evidence for one Practice indicator: a program, its unit, period,
    figures, and a link and/or an attached file."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="evidence"
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("indicator"),
        limit_choices_to={"part": Part.PRACTICE},
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_unit = models.CharField(
        _("responsible unit (SKPD/OPD)"), max_length=200
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    output_value = models.DecimalField(
        _("output figure"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    outcome_value = models.DecimalField(
        _("outcome figure"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit of the figures"), max_length=60, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    file = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_items",
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    is_quick_win = models.BooleanField(_("quick win"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submission", "indicator__order", "created_at", "pk"]
        verbose_name = _("practice evidence")
        verbose_name_plural = _("practice evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="evidence_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(link="") | Q(file__isnull=False),
                name="evidence_has_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RevisionRequest(models.Model):
    """Reviewers ask for changes to some indicators; only those parts reopen."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="revision_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("revision request")
        verbose_name_plural = _("revision requests")
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(closed_at__isnull=True),
                name="one_open_revision_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} {self.requested_at:%Y-%m-%d}"


class RevisionItem(models.Model):
    request = models.ForeignKey(
        RevisionRequest, on_delete=models.CASCADE, related_name="items"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["request", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "indicator"], name="revision_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.reason}"


class SubmissionEvent(models.Model):
    """The audit trail: append-only, one row per transition or change."""

    class Action(models.TextChoices):
        CREATED = "created", _("Workspace opened")
        UPLOADED = "uploaded", _("Document uploaded")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        EVIDENCE_CHANGED = "evidence_changed", _("Evidence changed")
        TRANSITION = "transition", _("Status changed")

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(
        max_length=20, choices=Submission.Status.choices, blank=True
    )
    to_status = models.CharField(
        max_length=20, choices=Submission.Status.choices, blank=True
    )
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["submission", "at", "pk"]
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
