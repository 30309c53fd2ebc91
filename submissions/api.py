"""API v1 for officials' submissions: read them, upload documents, add or
replace practice evidence, download files. Scoped like the browser pages:
outside the caller's scope is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import TokenScope
from api.cycles import cycle_filterset
from assessments.models import Indicator
from submissions import services as submission_services
from submissions import upload_handlers
from submissions.downloads import attachment
from submissions.forms import EvidenceForm
from submissions.models import Document, DocumentVersion, EvidenceItem, Submission
from submissions.serializers import (
    EVIDENCE_REQUEST,
    DocumentSerializer,
    EvidenceSerializer,
    SubmissionSerializer,
    UploadSerializer,
)


def _file_messages() -> set[str]:
    """The refusals that are about the uploaded file (reported under `file`)."""
    return {
        submission_services.too_large_message(),
        str(submission_services.no_space_message()),
        *(str(m) for m in submission_services.REFUSAL_MESSAGES.values()),
    }


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's submissions: officials their region's, ministry staff all."""

    serializer_class = SubmissionSerializer
    permission_classes = [IsAuthenticated, TokenScope]
    filterset_class = cycle_filterset(Submission, "status")
    queryset = Submission.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        versions = DocumentVersion.objects.select_related("file", "document")
        return (
            Submission.objects.visible_to(self.request.user)
            .prefetch_related(
                Prefetch(
                    "documents",
                    queryset=Document.objects.prefetch_related(
                        Prefetch("versions", queryset=versions)
                    ),
                ),
                Prefetch(
                    "evidence",
                    queryset=EvidenceItem.objects.select_related("indicator"),
                ),
            )
            .order_by("cycle", "region")
        )

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<version>\d+)/download",
        url_name="download",
    )
    def download(
        self,
        request: Request,
        pk: str | None = None,
        version: str = "",
        format: str | None = None,
    ):
        """A document version's file, as an attachment."""
        submission = self.get_object()
        found = get_object_or_404(
            DocumentVersion.objects.select_related("file"),
            pk=version,
            document__submission=submission,
        )
        return attachment(found.file, found.original_name)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer}, responses=DocumentSerializer
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser],
        url_path="documents",
    )
    def documents(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        submission = self.get_object()
        if not submission_services.may_edit(request.user, submission):
            raise exceptions.PermissionDenied(
                _("Only the region's officials can upload documents.")
            )
        # The upload handlers record their refusals while the body is parsed:
        # parse it first, or a too-large file reads as no file at all.
        request.data  # noqa: B018
        refused = getattr(request._request, "refused_uploads", {})
        if refused.get("file") == upload_handlers.TOO_LARGE:
            raise exceptions.ValidationError(
                {"file": [submission_services.too_large_message()]}
            )
        if refused.get("file"):
            raise exceptions.ValidationError(
                {"file": [str(submission_services.REFUSAL_MESSAGES["name"])]}
            )
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        document = None
        if data.get("document"):
            document = get_object_or_404(
                Document, pk=data["document"], submission=submission
            )
        elif not data.get("kind"):
            raise exceptions.ValidationError(
                {"kind": [_("Give the document kind, or the document to version.")]}
            )
        try:
            version = submission_services.upload_document(
                submission=submission,
                user=request.user,
                uploaded=data["file"],
                doc_type=data.get("kind", ""),
                title=data.get("title", ""),
                document=document,
            )
        except submission_services.SubmissionError as error:
            raise exceptions.ValidationError({"file": [error.message]}) from error
        document = Document.objects.prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("file", "document"),
            )
        ).get(pk=version.document_id)
        return Response(
            DocumentSerializer(document, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=EVIDENCE_REQUEST,
        responses={201: EvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, JSONParser],
        url_path="evidence",
    )
    def evidence(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        """Add practice evidence for a Practice indicator (same checks as the
        browser's form)."""
        item = self._save_evidence(request, self.get_object(), None)
        return Response(self._evidence_data(item), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=EVIDENCE_REQUEST,
        responses={200: EvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["put"],
        parser_classes=[MultiPartParser, JSONParser],
        url_path=r"evidence/(?P<item>\d+)",
        url_name="evidence-item",
    )
    def evidence_item(
        self, request: Request, pk: str | None = None, item: str = ""
    ) -> Response:
        """Replace a piece of evidence (a file already attached stays unless a
        new one is sent)."""
        submission = self.get_object()
        found = get_object_or_404(EvidenceItem, pk=item, submission=submission)
        item = self._save_evidence(request, submission, found)
        return Response(self._evidence_data(item))

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<item>\d+)/download",
        url_name="evidence-download",
    )
    def evidence_download(
        self, request: Request, pk: str | None = None, item: str = ""
    ):
        """An evidence item's attached file."""
        found = get_object_or_404(
            EvidenceItem.objects.select_related("file"),
            pk=item,
            submission=self.get_object(),
            file__isnull=False,
        )
        return attachment(found.file, found.file_name)

    def _save_evidence(
        self, request: Request, submission: Submission, item: EvidenceItem | None
    ) -> EvidenceItem:
        if not submission_services.may_edit(request.user, submission):
            raise exceptions.PermissionDenied(
                _("Only the region's officials can change evidence.")
            )
        if not hasattr(request.data, "keys"):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Send an object.")]}
            )
        data = {key: request.data.get(key) for key in request.data if key != "file"}
        code = data.get("indicator")
        if code:  # clients name indicators by code; the form takes its key
            found = Indicator.objects.filter(
                framework_id=submission.cycle.framework_id, code=str(code)
            ).first()
            data["indicator"] = found.pk if found else ""
        form = EvidenceForm(
            data,
            request.FILES,
            instance=item,
            submission=submission,
            refused=getattr(request._request, "refused_uploads", {}),
        )
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    ("non_field_errors" if field == "__all__" else field): errors
                    for field, errors in form.errors.items()
                }
            )
        try:
            return submission_services.save_evidence(
                submission=submission,
                user=request.user,
                fields=form.evidence_fields(),
                uploaded=form.cleaned_data["file"],
                item=item,
            )
        except submission_services.SubmissionError as error:
            about_file = isinstance(error, submission_services.FileRefused)
            field = (
                "file"
                if about_file or error.message in _file_messages()
                else "non_field_errors"
            )
            raise exceptions.ValidationError({field: [error.message]}) from error

    def _evidence_data(self, item: EvidenceItem) -> dict[str, Any]:
        item = EvidenceItem.objects.select_related("indicator").get(pk=item.pk)
        return EvidenceSerializer(item, context={"request": self.request}).data
