"""Answers: part of reviews.services (see its docstring)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import is_admin, role_of
from assessments.models import Indicator
from notifications.models import Kind
from notifications.services import notify
from reviews.models import (
    Answer,
    ConflictOfInterest,
    Review,
    ScoreChange,
    describe,
)
from reviews.services.consensus import disagreements
from reviews.services.core import ReviewError, StaleReview, _admins, _lead, _when
from scoring import services as scoring_services
from submissions import services as submission_services
from submissions.models import DocumentVersion, Submission


@dataclass(frozen=True)
class AnswerInput:
    level: int | None = None
    no_evidence: bool = False
    comment: str = ""
    cited_version: int | None = None
    cited_page: int | None = None


def submission_of(review: Review) -> Submission | None:
    return Submission.objects.filter(
        cycle_id=review.cycle_id, region_id=review.region_id
    ).first()


def _check_can_work(review: Review, user: User, now: datetime) -> None:
    if review.reviewer_id != user.pk:
        raise ReviewError(_("Only the assigned reviewer can change this review."))
    if review.is_submitted:
        raise ReviewError(
            _("This review was submitted and is read-only; an admin can reopen it.")
        )
    if now >= review.cycle.reviews_close:
        raise ReviewError(
            _("The review deadline (%(deadline)s) has passed: nothing was saved.")
            % {"deadline": _when(review.cycle.reviews_close)}
        )


def _validate(
    review: Review,
    answers: Mapping[int, AnswerInput],
    indicators: Mapping[int, Indicator],
) -> None:
    cited = [a.cited_version for a in answers.values() if a.cited_version]
    citable = (
        {
            v.pk: v
            for v in DocumentVersion.objects.filter(
                document__submission__cycle=review.cycle,
                document__submission__region_id=review.region_id,
                pk__in=cited,
            ).select_related("file")
        }
        if cited
        else {}
    )
    for pk, answer in answers.items():
        indicator = indicators.get(pk)
        if indicator is None or indicator.framework_id != review.cycle.framework_id:
            raise ReviewError(_("An answer names an indicator outside this framework."))
        if answer.level is not None and not 1 <= answer.level <= 5:
            raise ReviewError(
                _("%(code)s: the level must be 1 to 5, not %(level)s.")
                % {"code": indicator.code, "level": answer.level}
            )
        if answer.level is not None and answer.no_evidence:
            raise ReviewError(
                _("%(code)s: choose a level or “no evidence”, not both.")
                % {"code": indicator.code}
            )
        if answer.cited_version is not None:
            version = citable.get(answer.cited_version)
            if version is None:
                raise ReviewError(
                    _("%(code)s: the citation must be a document of this region.")
                    % {"code": indicator.code}
                )
            pages = version.file.page_count
            if answer.cited_page is not None and pages and answer.cited_page > pages:
                raise ReviewError(
                    _("%(code)s: the cited document has %(pages)s pages.")
                    % {"code": indicator.code, "pages": pages}
                )


def _saved_elsewhere() -> str:
    return _(
        "This review was saved elsewhere (another tab or window) since you "
        "opened it; your copy was not saved. Reload the page to continue "
        "from the newest answers."
    )


def _is_lock_timeout(error: OperationalError) -> bool:
    """SQLite (the demo database) gave up waiting for another save's lock."""
    return connection.vendor == "sqlite" and "locked" in str(error)


def _locked_review(pk: int) -> Review:
    """The review with its cycle, locking the review row only: other reviews of
    the same cycle save in parallel (the cycle row is shared by all of them).
    The submission's status and a declared conflict come in the same query."""
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .annotate(
            submission_status=Subquery(
                Submission.objects.filter(
                    cycle_id=OuterRef("cycle_id"), region_id=OuterRef("region_id")
                )
                .order_by()
                .values("status")[:1]
            ),
            conflicted=Exists(
                ConflictOfInterest.objects.filter(
                    reviewer_id=OuterRef("reviewer_id"), region_id=OuterRef("region_id")
                )
            ),
        )
        .get(pk=pk)
    )


def _lock_timeouts_as_stale(save):
    """On SQLite a save waits for a concurrent one (BEGIN IMMEDIATE); if the
    lock is not freed in time, it is refused as stale, and nothing is saved."""
    try:
        return save()
    except OperationalError as error:
        if not _is_lock_timeout(error):
            raise
        raise StaleReview(_saved_elsewhere()) from error


def save_answers(
    *, review: Review, user: User, version: int, answers: Mapping[int, AnswerInput]
) -> Review:
    """Save the reviewer's answers if `version` is still current; a stale copy
    is refused (StaleReview) and the newer answers are kept. The returned
    review carries `answered`, its number of answered indicators."""

    @transaction.atomic
    def save() -> Review:
        locked = _locked_review(review.pk)
        indicators = Indicator.objects.filter(
            framework_id=locked.cycle.framework_id
        ).in_bulk(list(answers))
        return _save_locked(locked, user, version, answers, indicators)

    return _lock_timeouts_as_stale(save)


def save_form(
    *,
    review_pk: int,
    user: User,
    version: str,
    parse: Callable[[Sequence[Indicator]], Mapping[int, AnswerInput]],
) -> Review:
    """The scoring form's save (autosave and the no-JavaScript button): the
    locked review is also the permission check (Review.DoesNotExist for a
    review that is not the user's, or whose region they declared a conflict
    with), `version` is the posted one (ValueError if it is not a number, read
    after the permission check), and `parse` reads the posted answers against
    the framework's indicators: an autosave reads each row once, 8 queries."""

    @transaction.atomic
    def save() -> Review:
        locked = _locked_review(review_pk)
        if locked.conflicted or (
            locked.reviewer_id != user.pk and role_of(user) != Role.ADMIN
        ):
            raise Review.DoesNotExist
        indicators = list(
            Indicator.objects.filter(framework_id=locked.cycle.framework_id)
        )
        answers = parse(indicators)
        return _save_locked(
            locked, user, int(version), answers, {i.pk: i for i in indicators}
        )

    return _lock_timeouts_as_stale(save)


def _save_locked(
    review: Review,
    user: User,
    version: int,
    answers: Mapping[int, AnswerInput],
    indicators: Mapping[int, Indicator],
) -> Review:
    """Inside the transaction holding the lock from `_locked_review`."""
    now = timezone.now()
    _check_can_work(review, user, now)
    if review.version != version:
        raise StaleReview(_saved_elsewhere())
    if review.submission_status in (None, Submission.Status.DRAFT):
        raise ReviewError(
            _("The region has not submitted yet: there is nothing to score.")
        )
    for pk in answers:
        if pk not in indicators:
            raise ReviewError(_("An answer names an indicator outside this framework."))
    _validate(review, answers, indicators)
    current = {a.indicator_id: a for a in Answer.objects.filter(review=review)}
    changed, created, trail = [], [], []
    for pk, given in answers.items():
        answer = current.get(pk) or Answer(review=review, indicator_id=pk)
        before = describe(answer.level, answer.no_evidence)
        fields = {
            "level": given.level,
            "no_evidence": given.no_evidence,
            "comment": given.comment.strip(),
            "cited_version_id": given.cited_version,
            "cited_page": given.cited_page if given.cited_version else None,
        }
        if answer.pk and all(getattr(answer, k) == v for k, v in fields.items()):
            continue
        if not answer.pk and not any(fields.values()):
            continue  # an untouched indicator: no row
        for name, value in fields.items():
            setattr(answer, name, value)
        answer.updated_at = now
        (changed if answer.pk else created).append(answer)
        after = describe(given.level, given.no_evidence)
        if after != before:
            trail.append(
                ScoreChange(
                    cycle_id=review.cycle_id,
                    region_id=review.region_id,
                    indicator_id=pk,
                    source=ScoreChange.Source.REVIEW,
                    review=review,
                    actor=user,
                    at=now,
                    old_value=before,
                    new_value=after,
                    reason=fields["comment"],
                )
            )
    Answer.objects.bulk_create(created)
    Answer.objects.bulk_update(
        changed,
        [
            "level",
            "no_evidence",
            "comment",
            "cited_version",
            "cited_page",
            "updated_at",
        ],
    )
    ScoreChange.objects.bulk_create(trail)
    # The row is locked, so the version read above is the current one.
    Review.objects.filter(pk=review.pk).update(version=version + 1, saved_at=now)
    review.version, review.saved_at = version + 1, now
    current.update({a.indicator_id: a for a in created})
    review.answered = sum(1 for a in current.values() if a.is_answered)
    if review.submission_status in (
        Submission.Status.SUBMITTED,
        Submission.Status.RESUBMITTED,
    ):
        submission_services.start_review(submission=submission_of(review), user=user)
    return review


@transaction.atomic
def submit_review(*, review: Review, user: User, version: int) -> Review:
    """Submit when every indicator is answered; the review becomes read-only."""
    now = timezone.now()
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("cycle", "region")
        .get(pk=review.pk)
    )
    _check_can_work(review, user, now)
    if review.version != version:
        raise StaleReview(
            _(
                "This review changed since you opened it: reload the page and submit again."
            )
        )
    answered = review.answers.filter(Q(level__isnull=False) | Q(no_evidence=True))
    expected = Indicator.objects.filter(framework_id=review.cycle.framework_id)
    left = expected.exclude(pk__in=answered.values("indicator"))
    if left.exists():
        raise ReviewError(
            _("Answer every indicator before submitting; still open: %(codes)s.")
            % {"codes": ", ".join(left.values_list("code", flat=True)[:10])}
        )
    review.status = Review.Status.SUBMITTED
    review.submitted_at = now
    review.version = F("version") + 1
    review.save(update_fields=["status", "submitted_at", "version"])
    review.refresh_from_db(fields=["version"])
    scoring_services.request_recompute(review.cycle_id, f"review {review.region_id}")
    others = Review.objects.filter(cycle=review.cycle, region=review.region)
    if not others.exclude(status=Review.Status.SUBMITTED).exists():
        notify(
            [*_lead(review.cycle, review.region), *_admins()],
            Kind.REVIEWS_COMPLETE,
            params={
                "region": str(review.region),
                "cycle": str(review.cycle),
                "flagged": len(disagreements(review.cycle, review.region)),
            },
            url=reverse("reviews:region", args=[review.cycle_id, review.region_id]),
        )
    return review


@transaction.atomic
def reopen_review(*, review: Review, by: User) -> Review:
    if not is_admin(by):
        raise ReviewError(_("Only a ministry admin can reopen a submitted review."))
    review = Review.objects.select_for_update().get(pk=review.pk)
    review.status = Review.Status.IN_PROGRESS
    review.submitted_at = None
    review.version = F("version") + 1
    review.save(update_fields=["status", "submitted_at", "version"])
    review.refresh_from_db(fields=["version"])
    scoring_services.request_recompute(review.cycle_id, f"reopened {review.region_id}")
    return review
