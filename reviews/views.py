"""Reviewer console, scoring form with autosave, region page (consensus and
revision requests), assignments, audit trail and appeals.

Reviewers reach only their own reviews (`Review.objects.of_reviewer`): another
review, an unassigned or conflicted region answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import role_of, role_required
from assessments.models import Cycle, Indicator
from regions.models import Region
from reviews import exports, selectors, services
from reviews.forms import (
    AppealForm,
    AssignForm,
    AuditFilterForm,
    ConflictForm,
    ConsensusForm,
    DecisionForm,
    RevisionForm,
    parse_answers,
)
from reviews.models import (
    Appeal,
    Review,
)
from submissions import services as submission_services
from submissions.models import Submission


def _review(request: HttpRequest, pk: int) -> Review:
    """The reviewer's own review; admins may read any."""
    return get_object_or_404(selectors.visible_reviews(user=request.user), pk=pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    if role == Role.ADMIN:
        return redirect("reviews:assignments")
    if role != Role.REVIEWER:
        raise Http404
    rows = selectors.queue_rows(reviewer=request.user)
    return render(request, "reviews/queue.html", {"rows": rows})


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring form. Without JavaScript its Save button posts here."""
    if request.method == "POST":
        return _save(request, pk, as_json=False)
    found = _review(request, pk)
    context = selectors.scoring_context(review=found)
    context["editable"] = (
        found.reviewer_id == request.user.pk
        and not found.is_submitted
        and timezone.now() < found.cycle.reviews_close
        and context["submission"] is not None
        and context["submission"].status != Submission.Status.DRAFT
    )
    return render(request, "reviews/review.html", context)


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, pk, as_json=True)


def _save(request: HttpRequest, pk: int, *, as_json: bool) -> HttpResponse:
    """One locked read of the review is also its permission check (404 for a
    review that is not the user's), so an autosave costs about 7 queries."""
    try:
        saved = services.save_form(
            review_pk=pk,
            user=request.user,
            version=request.POST.get("version", ""),
            parse=lambda indicators: parse_answers(request.POST, indicators),
        )
    except Review.DoesNotExist:
        raise Http404 from None
    except ValueError:
        error, status = _("The form is incomplete: reload the page."), 400
    except services.StaleReview as stale:
        error, status = stale.message, 409
    except services.ReviewError as refused:
        error, status = refused.message, 400
    else:
        saved_at = date_format(timezone.localtime(saved.saved_at), "TIME_FORMAT")
        if as_json:
            return JsonResponse(
                {
                    "ok": True,
                    "version": saved.version,
                    "saved": _("Saved at %(time)s") % {"time": saved_at},
                    "answered": saved.answered,
                }
            )
        messages.success(request, _("Saved at %(time)s") % {"time": saved_at})
        return redirect("reviews:review", pk=pk)
    if as_json:
        return JsonResponse(
            {"ok": False, "error": error, "stale": status == 409}, status=status
        )
    messages.error(request, error)
    return redirect("reviews:review", pk=pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """First POST: the summary to confirm. Second (confirmed=1): the submit."""
    found = _review(request, pk)
    if request.POST.get("confirmed") != "1":
        if found.status == Review.Status.SUBMITTED:
            messages.info(request, _("This review has already been submitted."))
            return redirect("reviews:review", pk=pk)
        return render(
            request,
            "reviews/submit_confirm.html",
            {
                "review": found,
                "summary": selectors.submit_summary(review=found),
                "version": request.POST.get("version") or found.version,
            },
        )
    try:
        services.submit_review(
            review=found,
            user=request.user,
            version=int(request.POST.get("version") or -1),
        )
    except services.ReviewError as refused:
        messages.error(request, refused.message)
        return redirect("reviews:review", pk=pk)
    messages.success(
        request,
        _("Your review was submitted. You can now see the other reviewers' scores."),
    )
    return redirect("reviews:region", cycle=found.cycle_id, region=found.region_id)


@login_required
@require_POST
@role_required(Role.ADMIN)
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    services.reopen_review(review=_review(request, pk), by=request.user)
    messages.success(request, _("The review is open again for its reviewer."))
    return redirect("reviews:review", pk=pk)


# Region: all reviews side by side, consensus, revision requests -------------


def _region_access(request: HttpRequest, cycle_pk: int, code: str):
    cycle = get_object_or_404(Cycle.objects.select_related("framework"), pk=cycle_pk)
    region = get_object_or_404(Region.objects.select_related("province"), pk=code)
    if role_of(request.user) == Role.ADMIN:
        return cycle, region, None
    own = selectors.own_review(reviewer=request.user, cycle=cycle, region=region)
    if own is None:
        raise Http404
    return cycle, region, own


@login_required
def region(request: HttpRequest, cycle: int, region: str) -> HttpResponse:
    cycle, region, own = _region_access(request, cycle, region)
    reviews = selectors.region_reviews(cycle=cycle, region=region)
    may_see_scores = own is None or own.is_submitted
    indicators = list(selectors.framework_indicators(cycle=cycle))
    rows, flagged = [], {}
    if may_see_scores:
        rows, flagged = selectors.region_rows(
            user=request.user,
            cycle=cycle,
            region=region,
            reviews=reviews,
            indicators=indicators,
        )
        for row in rows:
            row["form"] = ConsensusForm(initial={"indicator": row["indicator"].pk})
    submission = selectors.region_submission(cycle=cycle, region=region)
    return render(
        request,
        "reviews/region.html",
        {
            "cycle": cycle,
            "region": region,
            "reviews": reviews,
            "own": own,
            "may_see_scores": may_see_scores,
            "rows": rows,
            "flagged_count": len(flagged),
            "all_in": services.all_reviews_in(cycle, region),
            "can_adjudicate": services.can_adjudicate(request.user, cycle, region),
            "submission": submission,
            "revision_form": RevisionForm(indicators=indicators)
            if submission is not None
            else None,
        },
    )


@login_required
@require_POST
def consensus(request: HttpRequest, cycle: int, region: str) -> HttpResponse:
    cycle, region, _own = _region_access(request, cycle, region)
    form = ConsensusForm(request.POST)
    target = reverse("reviews:region", args=[cycle.pk, region.pk])
    if not form.is_valid():
        messages.error(request, _("Choose a level 1 to 5 and write the rationale."))
        return redirect(target)
    indicator = get_object_or_404(
        Indicator, pk=form.cleaned_data["indicator"], framework=cycle.framework
    )
    try:
        services.record_consensus(
            cycle=cycle,
            region=region,
            indicator=indicator,
            level=form.cleaned_data["level"],
            rationale=form.cleaned_data["rationale"],
            by=request.user,
        )
    except services.ReviewError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Consensus recorded for %(code)s.") % {"code": indicator.code}
        )
    return redirect(f"{target}#indicator-{indicator.pk}")


@login_required
@require_POST
def revision(request: HttpRequest, cycle: int, region: str) -> HttpResponse:
    cycle, region, _own = _region_access(request, cycle, region)
    submission = get_object_or_404(Submission, cycle=cycle, region=region)
    form = RevisionForm(
        request.POST,
        indicators=selectors.framework_indicators(cycle=cycle),
    )
    target = reverse("reviews:region", args=[cycle.pk, region.pk])
    if form.is_valid():
        items = form.items()
        if form.is_valid():
            try:
                services.request_revision(
                    submission=submission, by=request.user, items=items
                )
            except services.ReviewError as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request, _("The revision request was sent to the region.")
                )
                return redirect(target)
    else:
        messages.error(request, _("Check the indicators and reasons."))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(target + "#revision")


# Assignments (admins) -------------------------------------------------------


@login_required
@role_required(Role.ADMIN)
def assignments(request: HttpRequest) -> HttpResponse:
    cycle = Cycle.objects.select_related("framework").current()
    if cycle is None:
        return render(request, "reviews/assignments.html", {"cycle": None})
    form = AssignForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign(
                cycle=cycle,
                region=form.cleaned_data["region"],
                reviewer=form.cleaned_data["reviewer"],
                is_lead=form.cleaned_data["is_lead"],
                by=request.user,
            )
        except services.ReviewError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Assigned."))
            return redirect("reviews:assignments")
    regions = selectors.assignment_regions(cycle=cycle)
    return render(
        request,
        "reviews/assignments.html",
        {
            "cycle": cycle,
            "loads": services.loads(cycle),
            "missing": services.missing(cycle),
            "regions": regions,
            "form": form,
            "conflicts": selectors.all_conflicts(),
        },
    )


@login_required
@require_POST
@role_required(Role.ADMIN)
def balance(request: HttpRequest) -> HttpResponse:
    cycle = Cycle.objects.current()
    if cycle is None:
        raise Http404
    result = services.balance(cycle=cycle, by=request.user)
    messages.success(
        request,
        _("%(count)s assignments made.") % {"count": result.created},
    )
    if result.shortfall:
        messages.warning(
            request,
            _("Not enough eligible reviewers for: %(regions)s.")
            % {"regions": ", ".join(sorted(result.shortfall))},
        )
    return redirect("reviews:assignments")


# Audit trail (admins) -------------------------------------------------------


@login_required
@role_required(Role.ADMIN)
def audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    form.is_valid()  # a bad value is flagged next to its field; the others apply
    changes = selectors.score_changes(
        **{k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    )
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            exports.audit_csv(changes),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="score-changes.csv"'
        return response
    page = Paginator(changes, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "reviews/audit.html",
        {"page": page, "form": form, "query": query.urlencode()},
    )


# Appeals --------------------------------------------------------------------


@login_required
def appeals(request: HttpRequest, submission: int) -> HttpResponse:
    """The region's appeals: officials file them here and read the decisions."""
    found = get_object_or_404(
        selectors.visible_submissions(user=request.user), pk=submission
    )
    cycle = found.cycle
    indicators = selectors.framework_indicators(cycle=cycle)
    may_file = submission_services.may_edit(request.user, found)
    window_open = cycle.reviews_close <= timezone.now() < cycle.appeals_close
    form = AppealForm(indicators=indicators)
    status = 200
    if request.method == "POST":
        if not may_file:
            raise PermissionDenied
        form = AppealForm(request.POST, request.FILES, indicators=indicators)
        if form.is_valid():
            try:
                services.file_appeal(
                    submission=found,
                    user=request.user,
                    indicator=form.indicators[form.cleaned_data["indicator"]],
                    reason=form.cleaned_data["reason"],
                    link=form.cleaned_data["link"],
                    uploaded=form.cleaned_data["file"],
                )
            except services.ReviewError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Your appeal was filed."))
                return redirect("reviews:appeals", submission=found.pk)
        status = 400
    return render(
        request,
        "reviews/appeals.html",
        {
            "submission": found,
            "cycle": cycle,
            "appeals": selectors.appeals_of(submission=found),
            "form": form if may_file and window_open else None,
            "window_open": window_open,
        },
        status=status,
    )


@login_required
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """An appeal for the lead reviewer or an admin to decide."""
    found = get_object_or_404(selectors.appeals_with_context(), pk=pk)
    cycle, region = found.submission.cycle, found.submission.region
    if not services.can_adjudicate(request.user, cycle, region):
        raise Http404
    form = DecisionForm(request.POST or None)
    filed = found.status == Appeal.Status.FILED
    if request.method == "POST" and not filed:
        messages.error(request, _("This appeal has already been decided."))
        return redirect("reviews:appeal", pk=pk)
    confirming = False
    if request.method == "POST" and filed and form.is_valid():
        editing = "edit" in request.POST
        if form.cleaned_data["confirmed"] and not editing:
            try:
                services.decide_appeal(
                    appeal=found,
                    by=request.user,
                    upheld=form.cleaned_data["outcome"] == "upheld",
                    new_level=form.cleaned_data["new_level"],
                    rationale=form.cleaned_data["rationale"],
                )
            except services.ReviewError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request, _("The decision was recorded and the region told.")
                )
                return redirect("reviews:appeal", pk=pk)
        else:
            # A decision is final: first what it will do, nothing changed yet.
            confirming = not editing
    return render(
        request,
        "reviews/appeal.html",
        {
            "appeal": found,
            "cycle": cycle,
            "region": region,
            "current": services.current_value(cycle, region, found.indicator),
            "form": form if filed else None,
            "confirming": confirming,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


# Conflicts of interest (reviewers) ------------------------------------------


@login_required
def conflicts(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) != Role.REVIEWER:
        raise Http404
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(
                reviewer=request.user,
                region=form.cleaned_data["region"],
                reason=form.cleaned_data["reason"],
            )
        except services.ReviewError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The conflict of interest was recorded."))
            return redirect("reviews:conflicts")
    return render(
        request,
        "reviews/conflicts.html",
        {
            "form": form,
            "conflicts": selectors.conflicts_of(reviewer=request.user),
        },
    )
