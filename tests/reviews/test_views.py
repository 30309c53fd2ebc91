from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Indicator
from reviews import services
from reviews.models import Answer, ConflictOfInterest, Review
from reviews.services import AnswerInput
from tests.reviews.conftest import make_reviewer

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(review, level: str = "3", **extra) -> dict:
    data = {"version": str(review.version)}
    for indicator in Indicator.objects.filter(framework=review.cycle.framework):
        data[f"level-{indicator.pk}"] = level
    return data | extra


def review_urls(review) -> dict[str, str]:
    return {
        "review": reverse("reviews:review", args=[review.pk]),
        "region": reverse("reviews:region", args=[review.cycle_id, review.region_id]),
    }


def test_a_reviewer_sees_only_their_own_reviews(panel, official, other_official):
    mine, theirs = panel[0], panel[1]
    outsider = make_reviewer("rev-outside")
    client = logged_in(mine.reviewer)
    assert client.get(reverse("reviews:review", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("reviews:autosave", args=[theirs.pk]), {}).status_code
        == 404
    )
    for user in (outsider, official, other_official):
        client = logged_in(user)
        for name, url in review_urls(mine).items():
            assert client.get(url).status_code == 404, (user, name)
    assert logged_in(official).get(reverse("reviews:queue")).status_code == 404


def test_a_conflicted_reviewer_gets_404(panel):
    review = panel[2]
    # Recorded in the back office, so the review is not withdrawn: still 404.
    ConflictOfInterest.objects.create(
        reviewer=review.reviewer, region=review.region, reason="Keluarga."
    )
    client = logged_in(review.reviewer)
    for name, url in review_urls(review).items():
        assert client.get(url).status_code == 404, name
    assert (
        review.region.name not in client.get(reverse("reviews:queue")).content.decode()
    )


def test_the_queue_shows_the_reviewers_regions_with_progress(panel):
    response = logged_in(panel[0].reviewer).get(reverse("reviews:queue"))
    html = response.content.decode()
    assert "Kota Tangerang Selatan" in html
    assert "0/53" in html


def test_autosave_saves_and_refuses_a_stale_copy(panel):
    review = panel[0]
    client = logged_in(review.reviewer)
    url = reverse("reviews:autosave", args=[review.pk])

    first = client.post(url, form_data(review, "4"))
    assert first.status_code == 200
    assert first.json()["version"] == 1
    assert first.json()["answered"] == 53

    stale = client.post(url, form_data(review, "1"))  # still version 0
    assert stale.status_code == 409
    assert stale.json()["stale"] is True
    assert set(Answer.objects.values_list("level", flat=True)) == {4}


def test_a_malformed_level_is_refused_with_a_message(panel, english):
    review = panel[0]
    english.force_login(review.reviewer)
    indicator = Indicator.objects.filter(framework=review.cycle.framework).first()
    response = english.post(
        reverse("reviews:autosave", args=[review.pk]),
        form_data(review, **{f"level-{indicator.pk}": "9"}),
    )
    assert response.status_code == 400
    assert "must be 1 to 5" in response.json()["error"]
    assert not Answer.objects.exists()


def test_the_form_saves_without_javascript_too(panel):
    review = panel[0]
    response = logged_in(review.reviewer).post(
        reverse("reviews:review", args=[review.pk]), form_data(review, "none")
    )
    assert response.status_code == 302
    assert Answer.objects.filter(no_evidence=True).count() == 53


def test_the_scoring_form_costs_the_same_queries_with_answers(panel, queries_of):
    review = panel[0]
    client = logged_in(review.reviewer)
    url = reverse("reviews:review", args=[review.pk])
    empty = queries_of(lambda: client.get(url))
    assert client.get(url).content.decode().count('type="radio"') == 53 * 6
    client.post(reverse("reviews:autosave", args=[review.pk]), form_data(review, "2"))

    assert queries_of(lambda: client.get(url)) == empty
    assert client.get(url).content.decode().count("checked") == 53


def test_other_scores_are_hidden_until_the_reviewer_submits(panel):
    member, other = panel[1], panel[2]
    saved = services.save_answers(
        review=other,
        user=other.reviewer,
        version=0,
        answers={
            i.pk: AnswerInput(level=5)
            for i in Indicator.objects.filter(framework=other.cycle.framework)
        },
    )
    services.submit_review(review=saved, user=other.reviewer, version=saved.version)
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(member.reviewer)
    html = client.get(review_urls(member)["region"]).content.decode()
    assert "after you submit your own review" in html
    assert "disagreement" not in html

    client.post(reverse("reviews:autosave", args=[member.pk]), form_data(member, "1"))
    member.refresh_from_db()
    client.post(
        reverse("reviews:submit", args=[member.pk]),
        {"version": member.version, "confirmed": "1"},
    )
    html = client.get(review_urls(member)["region"]).content.decode()
    assert "after you submit your own review" not in html
    assert html.count("badge-warn") == 53  # 1 against 5 on every indicator


def test_admins_balance_and_see_loads(panel, admin_user, cycle):
    client = logged_in(admin_user)
    response = client.post(reverse("reviews:balance"))
    assert response.status_code == 302
    page = client.get(reverse("reviews:assignments")).content.decode()
    assert "rev-1" in page
    assert Review.objects.filter(region_id="36.71").count() == 3


def test_only_admins_reach_assignments_and_the_audit(panel, official):
    for user in (panel[0].reviewer, official):
        client = logged_in(user)
        assert client.get(reverse("reviews:assignments")).status_code == 404
        assert client.get(reverse("reviews:audit")).status_code == 404
        assert client.post(reverse("reviews:balance")).status_code == 404


def test_the_audit_trail_downloads_as_csv(panel, admin_user):
    review = panel[0]
    logged_in(review.reviewer).post(
        reverse("reviews:autosave", args=[review.pk]), form_data(review, "4")
    )
    response = logged_in(admin_user).get(reverse("reviews:audit") + "?format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "at,cycle,region,indicator,source,actor,old,new,reason"
    assert len(lines) == 1 + 53
    assert lines[1].split(",")[5:8] == ["rev-1", "", "4"]


def test_the_audit_trail_filters_by_region_name_who_and_dates(panel, admin_user):
    from datetime import datetime

    from django.utils import timezone

    from reviews.models import ScoreChange

    review = panel[0]
    indicator = Indicator.objects.filter(framework=review.cycle.framework).first()
    zone = timezone.get_current_timezone()

    def change(region, actor, day, hour=9):
        return ScoreChange.objects.create(
            cycle=review.cycle,
            region_id=region,
            indicator=indicator,
            source=ScoreChange.Source.CONSENSUS,
            actor=actor,
            new_value="4",
            at=datetime(2017, 6, day, hour, tzinfo=zone),
        )

    tangsel = change("36.74", review.reviewer, 1)
    late = change("36.74", admin_user, 2, hour=23)  # 23:00 WIB still 2 June
    tangerang = change("36.71", admin_user, 3)
    client = logged_in(admin_user)

    def shown(**params):
        response = client.get(reverse("reviews:audit"), params)
        assert response.status_code == 200
        return set(response.context["page"].object_list)

    assert shown() == {tangsel, late, tangerang}
    assert shown(region="Tangerang Selatan") == {tangsel, late}
    assert shown(region="36.71") == {tangerang}
    assert shown(region="tangerang") == {tangsel, late, tangerang}
    assert shown(who=review.reviewer.username[:4]) == {tangsel}
    assert shown(since="2017-06-02", until="2017-06-02") == {late}
    assert shown(since="2017-06-02") == {late, tangerang}
    assert shown(until="2017-06-01", who="admin") == set()

    # A bad date is flagged next to its field; the other filters still apply.
    response = client.get(
        reverse("reviews:audit"), {"since": "kemarin", "region": "36.71"}
    )
    assert response.status_code == 200
    assert set(response.context["page"].object_list) == {tangerang}
    assert "Masukkan tanggal yang valid" in response.content.decode()
    response = client.get(
        reverse("reviews:audit"), {"since": "2017-06-03", "until": "2017-06-01"}
    )
    assert "Tanggal akhir sebelum tanggal awal." in response.content.decode()

    # The CSV link carries the filters.
    html = client.get(reverse("reviews:audit"), {"region": "36.71"}).content.decode()
    assert 'href="?region=36.71&amp;format=csv"' in html
    response = client.get(
        reverse("reviews:audit"), {"region": "36.71", "format": "csv"}
    )
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2


@pytest.mark.parametrize(
    "reason",
    ['=HYPERLINK("http://x")', "+1+1", "-1+2", "@SUM(A1)", "\tcmd", "\uff1d1+1"],
)
def test_the_audit_csv_neutralises_a_formula_in_a_comment(panel, admin_user, reason):
    import csv
    import io

    from reviews.models import ScoreChange

    review = panel[0]
    ScoreChange.objects.create(
        cycle=review.cycle,
        region=review.region,
        indicator=Indicator.objects.filter(framework=review.cycle.framework).first(),
        source=ScoreChange.Source.CONSENSUS,
        actor=admin_user,
        old_value="-1",
        new_value="4",
        reason=reason,
    )

    response = logged_in(admin_user).get(reverse("reviews:audit") + "?format=csv")

    text = b"".join(response.streaming_content).decode()
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["reason"] == "'" + reason
    assert (row["old"], row["new"]) == ("-1", "4")  # numbers stay numbers


def test_an_official_files_an_appeal_in_the_browser_and_the_lead_decides(
    panel, official, cycle
):
    from datetime import timedelta

    from django.utils import timezone

    from reviews.models import Appeal

    now = timezone.now()
    cycle.submissions_open = now - timedelta(days=20)
    cycle.submissions_close = now - timedelta(days=10)
    cycle.reviews_close = now - timedelta(days=1)
    cycle.appeals_close = now + timedelta(days=7)
    cycle.save()
    submission = panel[0].region.submissions.get()
    indicator = Indicator.objects.filter(framework=cycle.framework).first()
    officials = logged_in(official)
    page = reverse("reviews:appeals", args=[submission.pk])
    assert officials.get(page).status_code == 200

    response = officials.post(
        page, {"indicator": str(indicator.pk), "reason": "SK Dewan Smart City ada."}
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()

    lead = logged_in(panel[0].reviewer)
    decide = reverse("reviews:appeal", args=[appeal.pk])
    assert lead.get(decide).status_code == 200
    assert logged_in(panel[1].reviewer).get(decide).status_code == 404
    decision = {"outcome": "upheld", "new_level": "4", "rationale": "SK sah."}
    # A decision is final: the first POST only shows what it will do.
    response = lead.post(decide, decision)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Catat keputusan ini?" in html
    assert "Terima sanggahan" in html
    assert "<strong>4</strong>" in html
    assert 'name="confirmed" value="1"' in html
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.FILED
    # Back to the form, with what was written kept.
    response = lead.post(decide, {**decision, "confirmed": "1", "edit": "1"})
    assert response.status_code == 200
    assert "SK sah." in response.content.decode()
    assert "Catat keputusan ini?" not in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.FILED
    # An upheld appeal without a level is refused at the first step.
    response = lead.post(decide, {**decision, "new_level": ""})
    assert response.status_code == 400
    assert "level baru" in response.content.decode()

    response = lead.post(decide, {**decision, "confirmed": "1"})
    assert response.status_code == 302
    assert "Diterima" in officials.get(page).content.decode()
    # Deciding again changes nothing and says why.
    response = lead.post(
        decide, {"outcome": "rejected", "rationale": "Lagi.", "confirmed": "1"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.new_level) == (Appeal.Status.UPHELD, 4)


def test_submitting_a_review_shows_a_summary_first_and_sends_nothing(panel):
    review = panel[0]
    client = logged_in(review.reviewer)
    indicators = list(
        Indicator.objects.filter(framework=review.cycle.framework).order_by("order")
    )
    client.post(reverse("reviews:autosave", args=[review.pk]), form_data(review, "4"))
    review.refresh_from_db()
    submit = reverse("reviews:submit", args=[review.pk])

    response = client.post(submit, {"version": review.version})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kirim penilaian ini?" in html
    assert f"{len(indicators)} / {len(indicators)}" in html
    assert 'name="confirmed" value="1"' in html
    assert "Ya, kirim penilaian" in html
    review.refresh_from_db()
    assert not review.is_submitted  # nothing sent yet

    response = client.post(submit, {"version": review.version, "confirmed": "1"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_submitted
    # Asking again says so and changes nothing.
    response = client.post(submit, {"version": review.version})
    assert response.status_code == 302
    assert response.url == reverse("reviews:review", args=[review.pk])


def test_the_summary_lists_open_indicators_and_offers_no_submit(panel):
    from reviews.models import Answer

    review = panel[0]
    client = logged_in(review.reviewer)
    client.post(reverse("reviews:autosave", args=[review.pk]), form_data(review, "4"))
    first = Indicator.objects.filter(framework=review.cycle.framework).order_by(
        "order"
    )[0]
    Answer.objects.filter(review=review, indicator=first).update(level=None)
    review.refresh_from_db()
    html = client.post(
        reverse("reviews:submit", args=[review.pk]), {"version": review.version}
    ).content.decode()
    assert 'id="still-open"' in html
    assert f"#indicator-{first.pk}" in html
    assert "Ya, kirim penilaian" not in html
