"""The workspace of a region's submission. Every lookup goes through
`Submission.objects.visible_to(user)`, so another region's workspace, documents
and files answer 404; changes are for the region's own officials."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.roles import role_of
from assessments.models import Cycle
from submissions import selectors, services
from submissions.downloads import attachment
from submissions.forms import DocumentUploadForm, EvidenceForm, NewVersionForm
from submissions.models import (
    Document,
    DocumentType,
    DocumentVersion,
    EvidenceItem,
    PageText,
    Submission,
)


def _submission(request: HttpRequest, pk: int) -> Submission:
    return get_object_or_404(
        Submission.objects.visible_to(request.user).select_related(
            "cycle__framework", "region__province"
        ),
        pk=pk,
    )


def _editable(request: HttpRequest, pk: int) -> Submission:
    submission = _submission(request, pk)
    if not services.may_edit(request.user, submission):
        raise PermissionDenied
    return submission


def _refused(request: HttpRequest) -> dict[str, str]:
    """Uploads the upload handler dropped while they streamed in, and why."""
    return getattr(request, "refused_uploads", {})


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    """Officials land in their region's workspace; ministry staff get the list."""
    cycle = Cycle.objects.select_related("framework").current()
    role = role_of(request.user)
    if role == Role.OFFICIAL:
        submission = services.workspace_for(request.user, cycle) if cycle else None
        if submission is not None:
            return redirect("submissions:detail", pk=submission.pk)
        return render(request, "submissions/no_workspace.html", {"cycle": cycle})
    if role not in (Role.ADMIN, Role.REVIEWER):
        raise Http404
    rows = []
    if cycle is not None:
        submissions = {
            s.region_id: s
            for s in Submission.objects.filter(cycle=cycle).annotate(
                document_count=Count("documents", distinct=True),
                evidence_count=Count("evidence", distinct=True),
            )
        }
        for region in cycle.regions.select_related("province").order_by("code"):
            rows.append((region, submissions.get(region.pk)))
    return render(
        request, "submissions/submission_list.html", {"cycle": cycle, "rows": rows}
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    documents = submission.documents.prefetch_related(
        Prefetch(
            "versions",
            queryset=DocumentVersion.objects.select_related("file", "uploaded_by"),
        )
    )
    evidence = submission.evidence.select_related("indicator", "file")
    masterplan = (
        DocumentVersion.objects.filter(
            document__submission=submission,
            document__doc_type=DocumentType.MASTERPLAN,
        )
        .select_related("file", "document")
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    can_edit = services.may_edit(request.user, submission)
    scope = submission.edit_scope()
    return render(
        request,
        "submissions/submission_detail.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "documents": documents,
            "evidence": evidence,
            "masterplan": masterplan,
            "can_edit": can_edit,
            "scope": scope,
            "revision": submission.open_revision(),
            "events": submission.events.select_related("actor").order_by("-at", "-pk"),
            "upload_form": DocumentUploadForm()
            if can_edit and scope.documents
            else None,
        },
    )


def _upload_failed(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return render(request, template, context, status=400)


@login_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _editable(request, pk)
    if request.method != "POST":
        form = DocumentUploadForm()
        return render(
            request,
            "submissions/document_upload.html",
            {"submission": submission, "form": form},
        )
    form = DocumentUploadForm(request.POST, request.FILES, refused=_refused(request))
    if form.is_valid():
        try:
            version = services.upload_document(
                submission=submission,
                user=request.user,
                uploaded=form.cleaned_data["file"],
                doc_type=form.cleaned_data["doc_type"],
                title=form.cleaned_data["title"],
            )
        except services.SubmissionError as error:
            form.add_error("file", error.message)
        else:
            if version.number > 1:  # the submission's one masterplan, see services
                text = _(
                    "This submission already has a masterplan, “%(title)s”: the "
                    "file was added as its version %(number)s; it is being read now."
                ) % {"title": version.document.title, "number": version.number}
            else:
                text = _("“%(title)s” was uploaded; it is being read now.") % {
                    "title": version.document.title
                }
            messages.success(request, text)
            return redirect(
                "submissions:document", pk=submission.pk, doc=version.document_id
            )
    return _upload_failed(
        request,
        "submissions/document_upload.html",
        {"submission": submission, "form": form},
    )


@login_required
def document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    submission = _submission(request, pk)
    document = get_object_or_404(Document, pk=doc, submission=submission)
    versions = document.versions.select_related("file", "uploaded_by")
    can_upload = (
        services.may_edit(request.user, submission)
        and submission.edit_scope().documents
    )
    form = NewVersionForm() if can_upload else None
    status = 200
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        form = NewVersionForm(request.POST, request.FILES, refused=_refused(request))
        if form.is_valid():
            try:
                version = services.upload_document(
                    submission=submission,
                    user=request.user,
                    uploaded=form.cleaned_data["file"],
                    document=document,
                )
            except services.SubmissionError as error:
                form.add_error("file", error.message)
            else:
                messages.success(
                    request,
                    _("Version %(number)s was uploaded; it is being read now.")
                    % {"number": version.number},
                )
                return redirect("submissions:document", pk=submission.pk, doc=doc)
        status = 400
    return render(
        request,
        "submissions/document_detail.html",
        {
            "submission": submission,
            "document": document,
            "versions": versions,
            "latest": versions[0] if versions else None,
            "form": form,
        },
        status=status,
    )


def _version(request: HttpRequest, pk: int, version: int) -> DocumentVersion:
    """A version of a document of a submission the user may see (else 404)."""
    submission = _submission(request, pk)
    found = get_object_or_404(
        DocumentVersion.objects.select_related("file", "document"),
        pk=version,
        document__submission=submission,
    )
    found.document.submission = submission
    return found


@login_required
@require_GET
def version_download(request: HttpRequest, pk: int, version: int) -> FileResponse:
    found = _version(request, pk, version)
    return attachment(found.file, found.original_name)


@login_required
@require_GET
def version_status(request: HttpRequest, pk: int, version: int) -> JsonResponse:
    stored = _version(request, pk, version).file
    return JsonResponse(
        {
            "status": stored.status,
            "label": stored.get_status_display(),
            "final": stored.is_final,
            "pages": stored.page_count,
        }
    )


@login_required
@require_GET
def version_page(
    request: HttpRequest, pk: int, version: int, number: int
) -> HttpResponse:
    found = _version(request, pk, version)
    page = get_object_or_404(PageText, file=found.file, number=number)
    return render(
        request,
        "submissions/page_text.html",
        {
            "submission": found.document.submission,
            "version": found,
            "page": page,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < (found.file.page_count or 0) else None,
        },
    )


@login_required
def evidence_form(
    request: HttpRequest, pk: int, item: int | None = None
) -> HttpResponse:
    submission = _editable(request, pk)
    instance = (
        get_object_or_404(EvidenceItem, pk=item, submission=submission)
        if item is not None
        else None
    )
    if request.method == "POST":
        form = EvidenceForm(
            request.POST,
            request.FILES,
            instance=instance,
            submission=submission,
            refused=_refused(request),
        )
        if form.is_valid():
            try:
                services.save_evidence(
                    submission=submission,
                    user=request.user,
                    fields=form.evidence_fields(),
                    uploaded=form.cleaned_data["file"],
                    item=instance,
                )
            except services.SubmissionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The evidence was saved."))
                return redirect(reverse("submissions:detail", args=[pk]) + "#evidence")
        status = 400
    else:
        form = EvidenceForm(instance=instance, submission=submission)
        status = 200
    return render(
        request,
        "submissions/evidence_form.html",
        {"submission": submission, "form": form, "item": instance},
        status=status,
    )


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, item: int) -> FileResponse:
    submission = _submission(request, pk)
    found = get_object_or_404(
        EvidenceItem.objects.select_related("file"),
        pk=item,
        submission=submission,
        file__isnull=False,
    )
    return attachment(found.file, found.file_name)


@login_required
@require_GET
def confirm_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary and checklist an official confirms before submitting."""
    submission = _editable(request, pk)
    if submission.status not in (
        Submission.Status.DRAFT,
        Submission.Status.REVISION_REQUESTED,
    ):
        messages.info(request, _("This submission has already been submitted."))
        return redirect("submissions:detail", pk=pk)
    return render(
        request,
        "submissions/submit_confirm.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "checklist": selectors.submit_checklist(submission),
            "resubmit": submission.status == Submission.Status.REVISION_REQUESTED,
        },
    )


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _editable(request, pk)
    try:
        submission = services.submit(submission=submission, user=request.user)
    except services.SubmissionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Submitted. The ministry's reviewers can now read your submission."),
        )
    return redirect("submissions:detail", pk=pk)
