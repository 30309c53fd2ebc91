"""Appeals: part of reviews.services (see its docstring)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Indicator
from notifications import webhooks
from notifications.models import Kind
from notifications.services import notify
from reviews.models import (
    Appeal,
    ScoreChange,
)
from reviews.services.consensus import can_adjudicate, current_value
from reviews.services.core import ReviewError, _admins, _lead, _officials, _when
from scoring import services as scoring_services
from submissions import services as submission_services
from submissions.models import Submission


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
