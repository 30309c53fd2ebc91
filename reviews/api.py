"""API v1 for reviewers: their assignments, and reading and saving their own
review with the version last read. Outside the caller's scope is 404."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import TokenScope
from api.cycles import cycle_filterset
from assessments.models import Indicator
from reviews import services as review_services
from reviews.models import Review
from reviews.serializers import AssignmentSerializer, ReviewSerializer
from reviews.services import AnswerInput


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"


def _reviews(request: Request):
    return Review.objects.visible_to(request.user).select_related("cycle")


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """A reviewer's assigned regions (admins: every assignment)."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated, TokenScope]
    filterset_class = cycle_filterset(Review, "status")

    queryset = Review.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return _reviews(self.request).order_by("cycle", "region")


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
