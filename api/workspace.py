"""API v1 for signed-in clients: officials' submissions and document uploads,
reviewers' assignments and reviews. Everything is scoped like the browser
pages: outside the caller's scope is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from accounts.services import role_of
from api.authentication import TokenScope
from api.cycles import cycle_filterset
from assessments.models import Indicator
from reviews import services as review_services
from reviews.models import Review
from reviews.services import AnswerInput
from submissions import services as submission_services
from submissions import upload_handlers
from submissions.forms import EvidenceForm
from submissions.models import (
    Document,
    DocumentType,
    DocumentVersion,
    EvidenceItem,
    Submission,
)
from submissions.views import attachment


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"


class VersionSerializer(serializers.ModelSerializer):
    sha256 = serializers.CharField(source="file.sha256")
    size = serializers.IntegerField(source="file.size")
    status = serializers.CharField(source="file.status")
    pages = serializers.IntegerField(source="file.page_count", allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "original_name",
            "sha256",
            "size",
            "status",
            "pages",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, version: DocumentVersion) -> str:
        """Works with the same token (the browser has its own download link)."""
        path = reverse(
            "submission-download",
            args=[version.document.submission_id, version.pk],
        )
        return self.context["request"].build_absolute_uri(path)


class DocumentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="doc_type")
    versions = VersionSerializer(many=True)

    class Meta:
        model = Document
        fields = ["id", "kind", "title", "versions"]


class EvidenceSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceItem
        # The browser form's fields, and what the server adds.
        fields = [
            "id",
            *EvidenceForm.Meta.fields,
            "file_name",
            "download_url",
            "updated_at",
        ]

    def get_download_url(self, item: EvidenceItem) -> str | None:
        """The attached file (same token), or null when there is only a link."""
        if not item.file_id:
            return None
        path = reverse(
            "submission-evidence-download", args=[item.submission_id, item.pk]
        )
        return self.context["request"].build_absolute_uri(path)


class EvidenceInputSerializer(serializers.Serializer):
    """For the schema: the fields are checked by the browser's evidence form."""

    indicator = serializers.CharField(help_text="A Practice indicator's code.")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    responsible_unit = serializers.CharField(max_length=200, help_text="SKPD/OPD")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    output_value = serializers.DecimalField(14, 2, required=False, allow_null=True)
    outcome_value = serializers.DecimalField(14, 2, required=False, allow_null=True)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=60)
    link = serializers.URLField(required=False, allow_blank=True, max_length=500)
    is_quick_win = serializers.BooleanField(required=False, default=False)
    file = serializers.FileField(
        required=False, help_text="PDF or DOCX; a link, a file, or both."
    )


EVIDENCE_REQUEST = {
    "multipart/form-data": EvidenceInputSerializer,
    "application/json": EvidenceInputSerializer,
}


class SubmissionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    documents = DocumentSerializer(many=True)
    evidence = EvidenceSerializer(many=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "cycle",
            "region",
            "status",
            "submitted_at",
            "documents",
            "evidence",
        ]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, max_length=None)
    kind = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    document = serializers.IntegerField(
        required=False,
        help_text="An existing document's id: upload a new version of it.",
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


class AssignmentSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")

    class Meta:
        model = Review
        fields = [
            "id",
            "cycle",
            "region",
            "is_lead",
            "status",
            "version",
            "saved_at",
            "submitted_at",
        ]


def _reviews(request: Request):
    reviews = Review.objects.select_related("cycle")
    if role_of(request.user) == Role.ADMIN:
        return reviews.all()
    return reviews.of_reviewer(request.user)


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """A reviewer's assigned regions (admins: every assignment)."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated, TokenScope]
    filterset_class = cycle_filterset(Review, "status")

    queryset = Review.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return _reviews(self.request).order_by("cycle", "region")


class AnswerSerializer(serializers.Serializer):
    level = serializers.IntegerField(allow_null=True, required=False)
    no_evidence = serializers.BooleanField(default=False)
    comment = serializers.CharField(allow_blank=True, default="")
    cited_version = serializers.IntegerField(allow_null=True, required=False)
    cited_page = serializers.IntegerField(allow_null=True, required=False)


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(
        help_text="The version you read; a stale one answers 409."
    )
    status = serializers.CharField(read_only=True)
    answers = serializers.DictField(
        child=AnswerSerializer(), help_text="Indicator code -> answer."
    )


class ReviewViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A reviewer's own review: read it, and save answers with the version
    last read (a stale version answers 409 and changes nothing)."""

    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticated, TokenScope]

    queryset = Review.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return _reviews(self.request)

    def _body(self, review: Review) -> dict[str, Any]:
        answers = {
            a.indicator.code: {
                "level": a.level,
                "no_evidence": a.no_evidence,
                "comment": a.comment,
                "cited_version": a.cited_version_id,
                "cited_page": a.cited_page,
            }
            for a in review.answers.select_related("indicator")
        }
        return {
            "id": review.pk,
            "version": review.version,
            "status": review.status,
            "answers": answers,
        }

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._body(self.get_object()))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        review = self.get_object()
        form = ReviewSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        codes = dict(
            Indicator.objects.filter(
                framework_id=review.cycle.framework_id
            ).values_list("code", "pk")
        )
        unknown = sorted(set(form.validated_data["answers"]) - set(codes))
        if unknown:
            raise exceptions.ValidationError(
                {"answers": [_("Unknown indicator: %s") % ", ".join(unknown)]}
            )
        answers = {
            codes[code]: AnswerInput(
                level=given.get("level"),
                no_evidence=given.get("no_evidence", False),
                comment=given.get("comment", ""),
                cited_version=given.get("cited_version"),
                cited_page=given.get("cited_page"),
            )
            for code, given in form.validated_data["answers"].items()
        }
        try:
            saved = review_services.save_answers(
                review=review,
                user=request.user,
                version=form.validated_data["version"],
                answers=answers,
            )
        except review_services.StaleReview as stale:
            raise Conflict(stale.message) from stale
        except review_services.ReviewError as refused:
            raise exceptions.ValidationError(
                {"answers": [refused.message]}
            ) from refused
        return Response(self._body(saved))
