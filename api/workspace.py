"""API v1 for signed-in clients: officials' submissions and document uploads,
reviewers' assignments and reviews. Everything is scoped like the browser
pages: outside the caller's scope is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from accounts.services import role_of
from api.authentication import TokenScope
from assessments.models import Indicator
from reviews import services as review_services
from reviews.models import Review
from reviews.services import AnswerInput
from submissions import services as submission_services
from submissions import upload_handlers
from submissions.models import Document, DocumentType, DocumentVersion, Submission
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


class SubmissionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    documents = DocumentSerializer(many=True)

    class Meta:
        model = Submission
        fields = ["id", "cycle", "region", "status", "submitted_at", "documents"]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, max_length=None)
    kind = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    document = serializers.IntegerField(
        required=False,
        help_text="An existing document's id: upload a new version of it.",
    )


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's submissions: officials their region's, ministry staff all."""

    serializer_class = SubmissionSerializer
    permission_classes = [IsAuthenticated, TokenScope]
    filterset_fields = ["cycle", "status"]
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
                )
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
    def download(self, request: Request, pk: str | None = None, version: str = ""):
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
    def documents(self, request: Request, pk: str | None = None) -> Response:
        submission = self.get_object()
        if not submission_services.may_edit(request.user, submission):
            raise exceptions.PermissionDenied(
                "Only the region's officials upload documents."
            )
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
                {"kind": ["Give the document kind, or the document to version."]}
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
    filterset_fields = ["cycle", "status"]

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
                {"answers": [f"Unknown indicator: {', '.join(unknown)}"]}
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
