from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Indicator, Part
from notifications.models import Kind, Notification
from regions.models import Region
from reviews import services
from reviews.models import Answer, Appeal, Consensus, Review, ScoreChange
from reviews.services import AnswerInput
from submissions import services as submission_services
from submissions.models import DocumentType, DocumentVersion, Submission
from tests.reviews.conftest import make_reviewer, pilot_cycle
from tests.submissions import samples
from tests.submissions.conftest import upload_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def indicators(cycle) -> list[Indicator]:
    return list(Indicator.objects.filter(framework=cycle.framework).order_by("order"))


def answer_all(review, level_of=lambda n: 3) -> Review:
    answers = {
        indicator.pk: AnswerInput(level=level_of(n))
        for n, indicator in enumerate(indicators(review.cycle))
    }
    return services.save_answers(
        review=review, user=review.reviewer, version=review.version, answers=answers
    )


def submit_all(panel, levels=(3, 3, 3)) -> list[Review]:
    done = []
    for stale, level in zip(panel, levels, strict=True):
        review = Review.objects.get(pk=stale.pk)
        saved = answer_all(review, lambda n, level=level: level if n == 0 else 3)
        done.append(
            services.submit_review(
                review=saved, user=saved.reviewer, version=saved.version
            )
        )
    return done


# Assignment ------------------------------------------------------------------


def test_assignment_refuses_conflicts_home_province_and_outsiders(
    cycle, admin_user, official
):
    tangsel = Region.objects.get(code="36.74")
    banten_reviewer = make_reviewer("rev-banten", "36")
    conflicted = make_reviewer("rev-conflict", "31")
    services.declare_conflict(
        reviewer=conflicted, region=tangsel, reason="Saudara bekerja di Diskominfo."
    )

    for user, reason in [
        (banten_reviewer, "home province"),
        (conflicted, "conflict of interest"),
        (official, "not a ministry reviewer"),
    ]:
        with pytest.raises(services.ReviewError, match=reason):
            services.assign(cycle=cycle, region=tangsel, reviewer=user, by=admin_user)
    with pytest.raises(services.ReviewError, match="does not take part"):
        services.assign(
            cycle=cycle,
            region=Region.objects.get(code="11.01"),
            reviewer=make_reviewer("rev-ok"),
            by=admin_user,
        )
    assert not Review.objects.exists()


def test_balancing_fills_every_pilot_region_evenly_and_notifies(
    admin_user, django_capture_on_commit_callbacks
):
    from demo import cycle as demo

    cycle = pilot_cycle()
    reviewers = [
        make_reviewer(f"reviewer{n}", province)
        for n, province in enumerate(demo.REVIEWER_PROVINCES, start=1)
    ]

    result = services.balance(cycle=cycle, by=admin_user)

    assert result.created == 75
    assert result.shortfall == {}
    loads = sorted(result.loads.values())
    assert loads[-1] - loads[0] <= 1
    for review in Review.objects.select_related("region", "reviewer__profile"):
        assert review.region.province_id != review.reviewer.profile.home_province_id
    assert Review.objects.filter(is_lead=True).count() == 25
    assert Notification.objects.filter(kind=Kind.ASSIGNED).count() == 75
    assert services.missing(cycle) == []
    assert services.balance(cycle=cycle, by=admin_user).created == 0  # idempotent
    assert {user.username for user, n, _done in services.loads(cycle) if n} == {
        r.username for r in reviewers
    }


# Answers ---------------------------------------------------------------------


def test_saving_answers_records_every_level_change(panel):
    review = panel[0]
    first, second = indicators(review.cycle)[:2]

    saved = services.save_answers(
        review=review,
        user=review.reviewer,
        version=0,
        answers={
            first.pk: AnswerInput(level=2),
            second.pk: AnswerInput(no_evidence=True),
        },
    )
    saved = services.save_answers(
        review=saved,
        user=review.reviewer,
        version=saved.version,
        answers={first.pk: AnswerInput(level=4, comment="Peta jalan lengkap, hlm. 13")},
    )

    assert saved.version == 2
    trail = list(
        ScoreChange.objects.values_list("indicator__code", "old_value", "new_value")
    )
    assert trail == [
        (first.code, "", "2"),
        (second.code, "", "no evidence"),
        (first.code, "2", "4"),
    ]
    assert ScoreChange.objects.last().reason == "Peta jalan lengkap, hlm. 13"
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.UNDER_REVIEW  # review started


def test_a_stale_save_is_refused_and_the_newer_answers_kept(panel):
    review = panel[0]
    indicator = indicators(review.cycle)[0]
    services.save_answers(
        review=review,
        user=review.reviewer,
        version=0,
        answers={indicator.pk: AnswerInput(level=4)},
    )

    with pytest.raises(services.StaleReview, match="saved elsewhere"):
        services.save_answers(
            review=review,
            user=review.reviewer,
            version=0,  # the copy loaded before the first save
            answers={indicator.pk: AnswerInput(level=1)},
        )

    assert Answer.objects.get().level == 4
    assert Review.objects.get(pk=review.pk).version == 1


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (AnswerInput(level=7), "must be 1 to 5"),
        (AnswerInput(level=0), "must be 1 to 5"),
        (AnswerInput(level=3, no_evidence=True), "not both"),
    ],
)
def test_a_bad_answer_is_refused_and_changes_nothing(panel, answer, message):
    review = panel[0]
    indicator = indicators(review.cycle)[0]
    with pytest.raises(services.ReviewError, match=message):
        services.save_answers(
            review=review,
            user=review.reviewer,
            version=0,
            answers={indicator.pk: answer},
        )
    assert not Answer.objects.exists()
    assert Review.objects.get(pk=review.pk).version == 0


def test_a_citation_must_be_a_document_of_this_region_within_its_pages(
    panel, other_submission, other_official, tmp_path
):
    review = panel[0]
    indicator = indicators(review.cycle)[0]
    foreign = submission_services.upload_document(
        submission=other_submission,
        user=other_official,
        uploaded=upload_of(samples.good_pdf(tmp_path / "lain.pdf", pages=["Lain"])),
        doc_type=DocumentType.MASTERPLAN,
    )
    own = DocumentVersion.objects.get(document__submission__region_id="36.74")

    with pytest.raises(services.ReviewError, match="document of this region"):
        services.save_answers(
            review=review,
            user=review.reviewer,
            version=0,
            answers={indicator.pk: AnswerInput(level=3, cited_version=foreign.pk)},
        )
    with pytest.raises(services.ReviewError, match="has 3 pages"):
        services.save_answers(
            review=review,
            user=review.reviewer,
            version=0,
            answers={
                indicator.pk: AnswerInput(level=3, cited_version=own.pk, cited_page=9)
            },
        )
    saved = services.save_answers(
        review=review,
        user=review.reviewer,
        version=0,
        answers={
            indicator.pk: AnswerInput(level=3, cited_version=own.pk, cited_page=2)
        },
    )
    assert saved.answers.get().cited_page == 2


def test_nothing_is_saved_after_the_review_deadline_or_by_someone_else(panel, cycle):
    review = panel[0]
    indicator = indicators(cycle)[0]
    with pytest.raises(services.ReviewError, match="assigned reviewer"):
        services.save_answers(
            review=review,
            user=panel[1].reviewer,
            version=0,
            answers={indicator.pk: AnswerInput(level=3)},
        )
    cycle.submissions_open = timezone.now() - timedelta(days=3)
    cycle.reviews_close = timezone.now() - timedelta(minutes=1)
    cycle.submissions_close = cycle.reviews_close - timedelta(days=1)
    cycle.save()
    review.refresh_from_db()
    with pytest.raises(services.ReviewError, match="deadline"):
        services.save_answers(
            review=review,
            user=review.reviewer,
            version=0,
            answers={indicator.pk: AnswerInput(level=3)},
        )
    assert not Answer.objects.exists()


def test_a_draft_submission_cannot_be_scored(cycle, submission, admin_user):
    review = services.assign(
        cycle=cycle,
        region=submission.region,
        reviewer=make_reviewer("rev-early"),
        by=admin_user,
    )
    with pytest.raises(services.ReviewError, match="not submitted yet"):
        answer_all(review)


def test_submit_needs_every_indicator_then_locks_and_reports_disagreements(
    panel, admin_user
):
    review = panel[0]
    first = indicators(review.cycle)[0]
    partial = services.save_answers(
        review=review,
        user=review.reviewer,
        version=0,
        answers={first.pk: AnswerInput(level=3)},
    )
    with pytest.raises(services.ReviewError, match="still open"):
        services.submit_review(
            review=partial, user=review.reviewer, version=partial.version
        )

    submit_all(panel, levels=(1, 3, 4))

    with pytest.raises(services.ReviewError, match="read-only"):
        answer_all(Review.objects.get(pk=review.pk))
    assert services.disagreements(review.cycle, review.region) == {first.pk: [1, 3, 4]}
    complete = Notification.objects.get(kind=Kind.REVIEWS_COMPLETE, user=admin_user)
    assert complete.params["flagged"] == 1
    assert Notification.objects.filter(
        kind=Kind.REVIEWS_COMPLETE, user=review.reviewer
    ).exists()  # the lead


def test_the_lead_records_a_consensus_with_a_rationale(panel, admin_user):
    submit_all(panel, levels=(1, 3, 4))
    lead, member = panel[0].reviewer, panel[1].reviewer
    cycle, region = panel[0].cycle, panel[0].region
    indicator = indicators(cycle)[0]

    with pytest.raises(services.ReviewError, match="lead reviewer or an admin"):
        services.record_consensus(
            cycle=cycle,
            region=region,
            indicator=indicator,
            level=3,
            rationale="x",
            by=member,
        )
    with pytest.raises(services.ReviewError, match="rationale"):
        services.record_consensus(
            cycle=cycle,
            region=region,
            indicator=indicator,
            level=3,
            rationale="  ",
            by=lead,
        )
    services.record_consensus(
        cycle=cycle,
        region=region,
        indicator=indicator,
        level=3,
        rationale="Dokumen hlm. 6 memuat rencana layanan.",
        by=lead,
    )

    assert Consensus.objects.get().level == 3
    change = ScoreChange.objects.get(source=ScoreChange.Source.CONSENSUS)
    assert (change.old_value, change.new_value, change.actor) == ("3", "3", lead)
    assert services.current_value(cycle, region, indicator) == "3"


def test_consensus_waits_for_every_review(panel):
    cycle, region = panel[0].cycle, panel[0].region
    with pytest.raises(services.ReviewError, match="every review"):
        services.record_consensus(
            cycle=cycle,
            region=region,
            indicator=indicators(cycle)[0],
            level=3,
            rationale="Terlalu cepat.",
            by=panel[0].reviewer,
        )


def test_a_reviewer_sends_indicators_back_and_the_officials_are_told(
    panel, official, django_capture_on_commit_callbacks
):
    submission = Submission.objects.get()
    practice = Indicator.objects.filter(
        framework=submission.cycle.framework, part=Part.PRACTICE
    ).first()
    outsider = make_reviewer("rev-outside")
    with pytest.raises(services.ReviewError, match="reviewers or an admin"):
        services.request_revision(
            submission=submission, by=outsider, items=[(practice, "Kurang bukti.")]
        )

    services.request_revision(
        submission=submission,
        by=panel[1].reviewer,
        items=[(practice, "Lampirkan laporan capaian 2017.")],
    )

    submission.refresh_from_db()
    assert submission.status == Submission.Status.REVISION_REQUESTED
    assert submission.edit_scope().allows_indicator(practice.pk)
    told = Notification.objects.get(kind=Kind.REVISION_REQUESTED)
    assert told.user == official
    assert told.params["indicators"] == [practice.code]


# Appeals ---------------------------------------------------------------------


@pytest.fixture
def appeal_window(cycle):
    now = timezone.now()
    cycle.submissions_open = now - timedelta(days=20)
    cycle.submissions_close = now - timedelta(days=10)
    cycle.reviews_close = now - timedelta(days=1)
    cycle.appeals_close = now + timedelta(days=7)
    cycle.save()
    return cycle


def test_an_official_appeals_in_the_window_and_the_lead_decides(
    panel, official, other_official, appeal_window, admin_user, tmp_path
):
    submission = Submission.objects.get(region_id="36.74")
    indicator = indicators(appeal_window)[0]
    evidence = samples.good_pdf(tmp_path / "bukti-sanggah.pdf", pages=["Bukti"])

    with pytest.raises(services.ReviewError, match="region's officials"):
        services.file_appeal(
            submission=submission,
            user=other_official,
            indicator=indicator,
            reason="Bukan daerah kami.",
        )
    appeal = services.file_appeal(
        submission=submission,
        user=official,
        indicator=indicator,
        reason="Dewan Smart City sudah dibentuk (SK terlampir).",
        uploaded=upload_of(evidence),
    )
    with pytest.raises(services.ReviewError, match="already waiting"):
        services.file_appeal(
            submission=submission,
            user=official,
            indicator=indicator,
            reason="Lagi.",
        )
    assert Notification.objects.filter(kind=Kind.APPEAL_FILED, user=admin_user).exists()

    with pytest.raises(services.ReviewError, match="needs the new level"):
        services.decide_appeal(
            appeal=appeal, by=panel[0].reviewer, upheld=True, rationale="Ya."
        )
    services.decide_appeal(
        appeal=appeal,
        by=panel[0].reviewer,
        upheld=True,
        new_level=4,
        rationale="SK Dewan Smart City No. 12/2017 sah.",
    )

    appeal.refresh_from_db()
    assert (appeal.status, appeal.new_level, appeal.file_name) == (
        Appeal.Status.UPHELD,
        4,
        "bukti-sanggah.pdf",
    )
    assert services.current_value(appeal_window, submission.region, indicator) == "4"
    change = ScoreChange.objects.get(source=ScoreChange.Source.APPEAL)
    assert change.new_value == "4"
    decided = Notification.objects.get(kind=Kind.APPEAL_DECIDED)
    assert (decided.user, decided.params["outcome"]) == (official, "upheld")
    with pytest.raises(services.ReviewError, match="already been decided"):
        services.decide_appeal(
            appeal=appeal, by=admin_user, upheld=False, rationale="Tidak."
        )


def test_an_appeal_outside_the_window_is_refused(panel, official, cycle):
    submission = Submission.objects.get(region_id="36.74")
    with pytest.raises(services.ReviewError, match="Appeals are accepted from"):
        services.file_appeal(
            submission=submission,
            user=official,
            indicator=indicators(cycle)[0],
            reason="Terlalu awal.",
        )
    assert not Appeal.objects.exists()


def test_declaring_a_conflict_withdraws_an_open_review(panel):
    review = panel[1]
    answer_all(review)

    services.declare_conflict(
        reviewer=review.reviewer,
        region=review.region,
        reason="Pernah menjadi konsultan.",
    )

    assert not Review.objects.filter(pk=review.pk).exists()
    assert ScoreChange.objects.filter(actor=review.reviewer, review=None).exists()
    assert (review.region, 1) in services.missing(review.cycle)
