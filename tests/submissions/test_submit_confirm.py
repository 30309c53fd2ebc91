"""The confirmation an official sees before submitting: a summary and a
checklist (masterplan present and read, Practice indicators still without
evidence, open revision items); nothing is sent until they confirm."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.models import Indicator, Part
from reviews import services as review_services
from submissions import services
from submissions.models import Submission
from tests.submissions.test_views import filled, logged_in  # noqa: F401

pytestmark = pytest.mark.django_db


def confirm_url(submission):
    return reverse("submissions:confirm_submit", args=[submission.pk])


def test_the_confirmation_sums_up_and_lists_what_is_missing_and_sends_nothing(
    filled,  # noqa: F811
    official,
    cycle,
):
    submission, version, _item = filled
    response = logged_in(official).get(confirm_url(submission))
    assert response.status_code == 200
    html = response.content.decode()
    practice = Indicator.objects.filter(framework=cycle.framework, part=Part.PRACTICE)
    missing = practice.count() - 1  # the fixture gave evidence to one indicator
    assert "Ajukan ke kementerian?" in html
    assert version.original_name in html
    assert 'data-check="masterplan"' in html
    assert "Masterplan sudah diunggah" in html
    assert 'data-check="read"' in html
    assert f"{missing} dari {practice.count()} indikator Praktik" in html
    for indicator in practice[1:4]:
        assert indicator.code in html
    assert "Ya, ajukan ke kementerian" in html
    assert reverse("submissions:submit", args=[submission.pk]) in html
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT  # nothing was sent
    assert not submission.events.filter(to_status="submitted").exists()


def test_confirming_submits(filled, official):  # noqa: F811
    submission, _version, _item = filled
    client = logged_in(official)
    client.get(confirm_url(submission))
    response = client.post(reverse("submissions:submit", args=[submission.pk]))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_without_a_masterplan_there_is_no_submit_button_but_a_way_to_upload(
    submission, official
):
    html = logged_in(official).get(confirm_url(submission)).content.decode()
    assert "Belum ada masterplan" in html
    assert "Ya, ajukan ke kementerian" not in html
    assert reverse("submissions:upload", args=[submission.pk]) in html


def test_a_revision_lists_the_changes_the_reviewers_asked_for(
    filled,  # noqa: F811
    official,
    admin_user,
    cycle,
):
    submission, _version, _item = filled
    submission = services.submit(submission=submission, user=official)
    indicator = Indicator.objects.filter(framework=cycle.framework).order_by("order")[5]
    review_services.request_revision(
        submission=submission,
        by=admin_user,
        items=[(indicator, "Lampirkan SK tim smart city.")],
    )
    html = logged_in(official).get(confirm_url(submission)).content.decode()
    assert "Ajukan ulang ke kementerian?" in html
    assert 'data-check="revision"' in html
    assert "Lampirkan SK tim smart city." in html
    assert indicator.code in html
    assert "Ya, ajukan ulang ke kementerian" in html


def test_a_submitted_submission_sends_the_official_back_with_a_word(
    filled,  # noqa: F811
    official,
):
    submission, _version, _item = filled
    services.submit(submission=submission, user=official)
    client = logged_in(official)
    response = client.get(confirm_url(submission))
    assert response.status_code == 302
    assert response.url == reverse("submissions:detail", args=[submission.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Pengajuan ini sudah diajukan."
    ]


def test_the_checklist_costs_the_same_queries_for_few_and_many_evidence_items(
    filled,  # noqa: F811
    official,
    cycle,
    queries_of,
):
    submission, _version, item = filled
    client = logged_in(official)
    few = queries_of(lambda: client.get(confirm_url(submission)))
    for indicator in Indicator.objects.filter(
        framework=cycle.framework, part=Part.PRACTICE
    )[1:20]:
        item.pk = None
        item.indicator = indicator
        item.save()
    many = queries_of(lambda: client.get(confirm_url(submission)))
    assert many == few


def test_the_detail_page_leads_to_the_confirmation_not_straight_to_submitting(
    filled,  # noqa: F811
    official,
):
    submission, _version, _item = filled
    html = (
        logged_in(official)
        .get(reverse("submissions:detail", args=[submission.pk]))
        .content.decode()
    )
    assert confirm_url(submission) in html
    assert f'action="{reverse("submissions:submit", args=[submission.pk])}"' not in html
