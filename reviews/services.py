"""The review workflow: assignment (by hand or balanced), saving answers without
lost updates, submitting, consensus, revision requests and appeals. Every score
change lands in `ScoreChange`; views show `ReviewError.message` to the user."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import is_admin, role_of
from assessments.models import Cycle, Indicator
from notifications import webhooks
from notifications.models import Kind
from notifications.services import notify
from regions.models import Region
from reviews import balancing
from reviews.models import (
    Answer,
    Appeal,
    ConflictOfInterest,
    Consensus,
    Review,
    ScoreChange,
    describe,
)
from scoring import services as scoring_services
from submissions import services as submission_services
from submissions.models import DocumentVersion, Submission


class ReviewError(Exception):
    """A request the review workflow refuses; `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleReview(ReviewError):
    """The review changed since this copy was loaded (another tab or person)."""


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _admins() -> Iterable[User]:
    return User.objects.filter(groups__name=Role.ADMIN, is_active=True)


def _officials(region: Region) -> Iterable[User]:
    return User.objects.filter(
        groups__name=Role.OFFICIAL, profile__region=region, is_active=True
    )


def _lead(cycle: Cycle, region: Region) -> list[User]:
    return [
        review.reviewer
        for review in Review.objects.filter(
            cycle=cycle, region=region, is_lead=True
        ).select_related("reviewer")
    ]


# Assignment -----------------------------------------------------------------


def conflict_reason(cycle: Cycle, region: Region, reviewer: User) -> str | None:
    """Why this reviewer may not review this region, or None."""
    if role_of(reviewer) != Role.REVIEWER:
        return _("%(user)s is not a ministry reviewer.") % {"user": reviewer}
    if not cycle.regions.filter(pk=region.pk).exists():
        return _("%(region)s does not take part in %(cycle)s.") % {
            "region": region,
            "cycle": cycle,
        }
    if ConflictOfInterest.objects.filter(reviewer=reviewer, region=region).exists():
        return _("%(user)s declared a conflict of interest with %(region)s.") % {
            "user": reviewer,
            "region": region,
        }
    profile = getattr(reviewer, "profile", None)
    home = profile.home_province_id if profile else None
    if settings.REVIEW_HOME_PROVINCE_RULE and home == region.province_id:
        return _("%(region)s is in %(user)s's home province.") % {
            "region": region,
            "user": reviewer,
        }
    return None


@transaction.atomic
def assign(
    *, cycle: Cycle, region: Region, reviewer: User, by: User, is_lead: bool = False
) -> Review:
    """Assign by hand: the same conflict rules as balancing apply."""
    reason = conflict_reason(cycle, region, reviewer)
    if reason:
        raise ReviewError(reason)
    if Review.objects.filter(cycle=cycle, region=region, reviewer=reviewer).exists():
        raise ReviewError(
            _("%(user)s already reviews %(region)s.")
            % {
                "user": reviewer,
                "region": region,
            }
        )
    if is_lead:
        Review.objects.filter(cycle=cycle, region=region).update(is_lead=False)
    has_lead = Review.objects.filter(cycle=cycle, region=region, is_lead=True).exists()
    review = Review.objects.create(
        cycle=cycle,
        region=region,
        reviewer=reviewer,
        is_lead=is_lead or not has_lead,
        assigned_by=by,
    )
    _notify_assigned([review])
    return review


def _notify_assigned(reviews: Sequence[Review]) -> None:
    for review in reviews:
        notify(
            [review.reviewer],
            Kind.ASSIGNED,
            params={"region": str(review.region), "cycle": str(review.cycle)},
            url=reverse("reviews:review", args=[review.pk]),
        )


@dataclass(frozen=True)
class BalanceResult:
    created: int
    shortfall: dict[str, int]
    loads: dict[int, int]


@transaction.atomic
def balance(*, cycle: Cycle, by: User) -> BalanceResult:
    """Fill every region of the cycle up to REVIEWERS_PER_REGION reviewers,
    spreading the load evenly and respecting conflicts and the home-province
    rule; existing assignments are kept. The first reviewer of a region leads."""
    regions = list(cycle.regions.order_by("code"))
    reviewers = list(
        User.objects.filter(groups__name=Role.REVIEWER, is_active=True)
        .select_related("profile")
        .order_by("pk")
    )
    existing = set(
        Review.objects.filter(cycle=cycle).values_list("reviewer_id", "region_id")
    )
    plan = balancing.balance(
        [balancing.RegionSlot(r.code, r.province_id) for r in regions],
        [
            balancing.ReviewerSlot(
                u.pk, getattr(getattr(u, "profile", None), "home_province_id", None)
            )
            for u in reviewers
        ],
        per_region=settings.REVIEWERS_PER_REGION,
        max_per_reviewer=settings.REVIEWER_MAX_REGIONS,
        conflicts=set(
            ConflictOfInterest.objects.filter(region__in=regions).values_list(
                "reviewer_id", "region_id"
            )
        ),
        home_province_rule=settings.REVIEW_HOME_PROVINCE_RULE,
        existing=existing,
    )
    led = set(
        Review.objects.filter(cycle=cycle, is_lead=True).values_list(
            "region_id", flat=True
        )
    )
    created = []
    for reviewer_id, region_code in plan.new:
        created.append(
            Review(
                cycle=cycle,
                region_id=region_code,
                reviewer_id=reviewer_id,
                is_lead=region_code not in led,
                assigned_by=by,
            )
        )
        led.add(region_code)
    Review.objects.bulk_create(created)
    _notify_assigned(
        list(
            Review.objects.filter(
                cycle=cycle, pk__in=[r.pk for r in created]
            ).select_related("region", "cycle", "reviewer")
        )
    )
    return BalanceResult(len(created), plan.shortfall, plan.loads)


def loads(cycle: Cycle) -> list[tuple[User, int, int]]:
    """Each reviewer with their number of regions and of submitted reviews."""
    reviewers = (
        User.objects.filter(groups__name=Role.REVIEWER)
        .annotate(
            assigned=Count("reviews", filter=Q(reviews__cycle=cycle)),
            done=Count(
                "reviews",
                filter=Q(reviews__cycle=cycle, reviews__status=Review.Status.SUBMITTED),
            ),
        )
        .order_by("username")
    )
    return [(user, user.assigned, user.done) for user in reviewers]


def missing(cycle: Cycle) -> list[tuple[Region, int]]:
    """Regions of the cycle with fewer reviewers than REVIEWERS_PER_REGION."""
    counts = dict(
        Review.objects.filter(cycle=cycle)
        .values("region")
        .annotate(n=Count("pk"))
        .values_list("region", "n")
    )
    need = settings.REVIEWERS_PER_REGION
    return [
        (region, need - counts.get(region.pk, 0))
        for region in cycle.regions.select_related("province").order_by("code")
        if counts.get(region.pk, 0) < need
    ]


# Answers --------------------------------------------------------------------


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


# Consensus ------------------------------------------------------------------

DISAGREEMENT = 2  # levels this far apart need a consensus


def submitted_levels(cycle: Cycle, region: Region) -> dict[int, list[int]]:
    """Indicator -> the levels given in submitted reviews ("no evidence" left out)."""
    levels: dict[int, list[int]] = {}
    for indicator_id, level in Answer.objects.filter(
        review__cycle=cycle,
        review__region=region,
        review__status=Review.Status.SUBMITTED,
        level__isnull=False,
    ).values_list("indicator_id", "level"):
        levels.setdefault(indicator_id, []).append(level)
    return levels


def disagreements(cycle: Cycle, region: Region) -> dict[int, list[int]]:
    return {
        pk: sorted(levels)
        for pk, levels in submitted_levels(cycle, region).items()
        if max(levels) - min(levels) >= DISAGREEMENT
    }


def all_reviews_in(cycle: Cycle, region: Region) -> bool:
    reviews = Review.objects.filter(cycle=cycle, region=region)
    return (
        reviews.exists()
        and not reviews.exclude(status=Review.Status.SUBMITTED).exists()
    )


def can_adjudicate(user: User, cycle: Cycle, region: Region) -> bool:
    """Admins, and the region's lead reviewer (without a conflict)."""
    if is_admin(user):
        return True
    return (
        Review.objects.of_reviewer(user)
        .filter(cycle=cycle, region=region, is_lead=True)
        .exists()
    )


def current_value(cycle: Cycle, region: Region, indicator: Indicator) -> str:
    """The indicator's level as it stands: an upheld appeal, else the
    consensus, else the median of the submitted reviews."""
    upheld = (
        Appeal.objects.filter(
            submission__cycle=cycle,
            submission__region=region,
            indicator=indicator,
            status=Appeal.Status.UPHELD,
        )
        .order_by("-decided_at")
        .first()
    )
    if upheld:
        return str(upheld.new_level)
    consensus = Consensus.objects.filter(
        cycle=cycle, region=region, indicator=indicator
    ).first()
    if consensus:
        return str(consensus.level)
    levels = submitted_levels(cycle, region).get(indicator.pk)
    return f"{statistics.median(levels):g}" if levels else ""


@transaction.atomic
def record_consensus(
    *,
    cycle: Cycle,
    region: Region,
    indicator: Indicator,
    level: int,
    rationale: str,
    by: User,
) -> Consensus:
    if not can_adjudicate(by, cycle, region):
        raise ReviewError(_("Only the lead reviewer or an admin records a consensus."))
    if not all_reviews_in(cycle, region):
        raise ReviewError(_("A consensus is recorded once every review is submitted."))
    if indicator.framework_id != cycle.framework_id:
        raise ReviewError(_("An answer names an indicator outside this framework."))
    if not 1 <= level <= 5:
        raise ReviewError(_("The level must be 1 to 5."))
    if not rationale.strip():
        raise ReviewError(_("Write the rationale for the consensus."))
    before = current_value(cycle, region, indicator)
    consensus, _created = Consensus.objects.update_or_create(
        cycle=cycle,
        region=region,
        indicator=indicator,
        defaults={
            "level": level,
            "rationale": rationale.strip(),
            "decided_by": by,
            "decided_at": timezone.now(),
        },
    )
    ScoreChange.objects.create(
        cycle=cycle,
        region=region,
        indicator=indicator,
        source=ScoreChange.Source.CONSENSUS,
        actor=by,
        old_value=before,
        new_value=str(level),
        reason=rationale.strip(),
    )
    scoring_services.request_recompute(cycle, f"consensus {region.pk} {indicator.code}")
    return consensus


# Revision requests ----------------------------------------------------------


@transaction.atomic
def request_revision(
    *,
    submission: Submission,
    by: User,
    items: Sequence[tuple[Indicator, str]],
    due_at: datetime | None = None,
) -> None:
    """Send indicators back to the region with reasons (an assigned reviewer or
    an admin); only those parts reopen. The region's officials are notified."""
    assigned = Review.objects.of_reviewer(by).filter(
        cycle=submission.cycle, region=submission.region
    )
    if not (is_admin(by) or assigned.exists()):
        raise ReviewError(
            _("Only the region's reviewers or an admin request a revision.")
        )
    if submission.status in (
        Submission.Status.SUBMITTED,
        Submission.Status.RESUBMITTED,
    ):
        submission = submission_services.start_review(submission=submission, user=by)
    try:
        request = submission_services.reopen_for_revision(
            submission=submission, user=by, items=items, due_at=due_at
        )
    except submission_services.SubmissionError as error:
        raise ReviewError(error.message) from error
    notify(
        _officials(submission.region),
        Kind.REVISION_REQUESTED,
        params={
            "region": str(submission.region),
            "cycle": str(submission.cycle),
            "indicators": [indicator.code for indicator, _reason in items],
            "due": request.due_at.isoformat(),
        },
        url=reverse("submissions:detail", args=[submission.pk]),
    )


# Appeals --------------------------------------------------------------------


@transaction.atomic
def file_appeal(
    *,
    submission: Submission,
    user: User,
    indicator: Indicator,
    reason: str,
    link: str = "",
    uploaded: File | None = None,
) -> Appeal:
    """A region appeals one indicator within the cycle's appeal window."""
    if not submission_services.may_edit(user, submission):
        raise ReviewError(_("Only the region's officials can appeal."))
    cycle, now = submission.cycle, timezone.now()
    if not cycle.reviews_close <= now < cycle.appeals_close:
        raise ReviewError(
            _("Appeals are accepted from %(start)s until %(end)s.")
            % {"start": _when(cycle.reviews_close), "end": _when(cycle.appeals_close)}
        )
    if indicator.framework_id != cycle.framework_id:
        raise ReviewError(_("An answer names an indicator outside this framework."))
    if not reason.strip():
        raise ReviewError(_("Explain why the level should change."))
    if Appeal.objects.filter(
        submission=submission, indicator=indicator, status=Appeal.Status.FILED
    ).exists():
        raise ReviewError(
            _("An appeal on %(code)s is already waiting for a decision.")
            % {"code": indicator.code}
        )
    appeal = Appeal(
        submission=submission,
        indicator=indicator,
        reason=reason.strip(),
        link=link,
        filed_by=user,
    )
    try:
        if uploaded is not None:
            with submission_services.stored_upload(uploaded) as (stored, name):
                appeal.file, appeal.file_name = stored, name
                appeal.save()
        else:
            appeal.save()
    except submission_services.SubmissionError as error:
        raise ReviewError(error.message) from error
    except IntegrityError as error:  # the same appeal filed at the same moment
        raise ReviewError(
            _("An appeal on %(code)s is already waiting for a decision.")
            % {"code": indicator.code}
        ) from error
    notify(
        [*_lead(cycle, submission.region), *_admins()],
        Kind.APPEAL_FILED,
        params={
            "region": str(submission.region),
            "cycle": str(cycle),
            "indicator": indicator.code,
        },
        url=reverse("reviews:appeal", args=[appeal.pk]),
    )
    return appeal


@transaction.atomic
def decide_appeal(
    *,
    appeal: Appeal,
    by: User,
    upheld: bool,
    rationale: str,
    new_level: int | None = None,
) -> Appeal:
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("submission__cycle", "submission__region", "indicator")
        .get(pk=appeal.pk)
    )
    cycle, region = appeal.submission.cycle, appeal.submission.region
    if not can_adjudicate(by, cycle, region):
        raise ReviewError(_("Only the lead reviewer or an admin decides an appeal."))
    if appeal.status != Appeal.Status.FILED:
        raise ReviewError(_("This appeal has already been decided."))
    if not rationale.strip():
        raise ReviewError(_("Write the rationale for the decision."))
    if upheld and (new_level is None or not 1 <= new_level <= 5):
        raise ReviewError(_("An upheld appeal needs the new level, 1 to 5."))
    before = current_value(cycle, region, appeal.indicator)
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.new_level = new_level if upheld else None
    appeal.rationale = rationale.strip()
    appeal.decided_by, appeal.decided_at = by, timezone.now()
    appeal.save()
    ScoreChange.objects.create(
        cycle=cycle,
        region=region,
        indicator=appeal.indicator,
        source=ScoreChange.Source.APPEAL,
        actor=by,
        old_value=before,
        new_value=str(new_level) if upheld else before,
        reason=appeal.rationale,
    )
    scoring_services.request_recompute(
        cycle, f"appeal {region.pk} {appeal.indicator.code}"
    )
    webhooks.emit(
        "appeal.decided",
        {
            "appeal": appeal.pk,
            "cycle": cycle.pk,
            "region": region.pk,
            "indicator": appeal.indicator.code,
            "outcome": appeal.status,
            "new_level": appeal.new_level,
        },
    )
    notify(
        _officials(region),
        Kind.APPEAL_DECIDED,
        params={
            "region": str(region),
            "cycle": str(cycle),
            "indicator": appeal.indicator.code,
            "outcome": appeal.status,
        },
        url=reverse("reviews:appeals", args=[appeal.submission_id]),
    )
    return appeal


# Conflicts of interest ------------------------------------------------------


@transaction.atomic
def declare_conflict(
    *, reviewer: User, region: Region, reason: str
) -> ConflictOfInterest:
    """Record a reviewer's conflict; an unsubmitted review of that region is
    withdrawn (its trail stays), so the admin sees the region short of a reviewer."""
    if role_of(reviewer) != Role.REVIEWER:
        raise ReviewError(_("Only ministry reviewers declare conflicts of interest."))
    if not reason.strip():
        raise ReviewError(_("Say what the conflict is."))
    reviews = Review.objects.filter(reviewer=reviewer, region=region)
    if reviews.filter(status=Review.Status.SUBMITTED).exists():
        raise ReviewError(
            _(
                "Your review of %(region)s is already submitted: ask a ministry admin "
                "to withdraw it and record the conflict."
            )
            % {"region": region}
        )
    reviews.delete()
    conflict, _created = ConflictOfInterest.objects.update_or_create(
        reviewer=reviewer, region=region, defaults={"reason": reason.strip()}
    )
    return conflict


def answered_counts(review_ids: Sequence[int]) -> dict[int, int]:
    """Review -> number of indicators answered (a level or "no evidence")."""
    return dict(
        Answer.objects.filter(review__in=review_ids)
        .filter(Q(level__isnull=False) | Q(no_evidence=True))
        .values("review")
        .annotate(n=Count("pk"))
        .values_list("review", "n")
    )
