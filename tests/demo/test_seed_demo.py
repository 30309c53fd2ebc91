from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Role
from accounts.services import role_of
from assessments.models import Cycle

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_2017_pilot_cycle_and_one_account_per_role(capsys):
    call_command("seed_demo", "--today", "2026-11-28")

    cycle = Cycle.objects.get(is_demo=True)
    assert cycle.year == 2017
    assert cycle.regions.count() == 25
    assert not cycle.regions.filter(code="52.03").exists()  # unconfirmed Lombok Timur
    assert cycle.phase_at(cycle.submissions_open.replace(day=25)) == "submissions"
    official = authenticate(
        RequestFactory().get("/"), username="official-3674", password="demo12345"
    )
    assert official.profile.region.name == "Kota Tangerang Selatan"
    assert role_of(official) == Role.OFFICIAL
    assert (
        role_of(
            authenticate(
                RequestFactory().get("/"), username="reviewer6", password="demo12345"
            )
        )
        == Role.REVIEWER
    )
    admin = authenticate(
        RequestFactory().get("/"), username="admin", password="demo12345"
    )
    assert admin.is_staff
    assert admin.has_perm("assessments.change_cycle")
    assert "official-3674" in capsys.readouterr().out


def test_seed_demo_gives_each_pilot_but_the_draft_a_masterplan_and_submits_it():
    from submissions.models import DocumentVersion, EvidenceItem, Submission

    call_command("seed_demo", "--today", timezone.localdate().isoformat())

    statuses = dict(Submission.objects.values_list("region_id", "status"))
    assert len(statuses) == 25
    assert statuses.pop("36.74") == "draft"  # left to try the official's flow
    assert set(statuses.values()) == {"under_review"}  # the reviewers started
    assert (
        DocumentVersion.objects.filter(document__doc_type="masterplan")
        .values("document__submission")
        .distinct()
        .count()
        == 24
    )
    # The README's walk-through: Kota Tangerang Selatan's official uploads one.
    assert not DocumentVersion.objects.filter(
        document__submission__region_id="36.74"
    ).exists()
    assert EvidenceItem.objects.count() == 75
    assert not EvidenceItem.objects.filter(indicator__part="blueprint").exists()


def test_seed_demo_assigns_reviewers_and_fills_their_reviews():
    from reviews import services
    from reviews.models import Review

    call_command("seed_demo", "--today", timezone.localdate().isoformat())

    cycle = Cycle.objects.get(is_demo=True)
    reviews = Review.objects.filter(cycle=cycle).select_related(
        "region", "reviewer__profile"
    )
    assert reviews.count() == 75
    for review in reviews:
        assert review.region.province_id != review.reviewer.profile.home_province_id
    counts = sorted(
        reviews.values("reviewer").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert counts[-1] - counts[0] <= 1
    open_reviews = reviews.exclude(status="submitted")
    # Kota Tangerang Selatan (a draft) and reviewer1's two regions left to try.
    assert (
        open_reviews.exclude(region_id="36.74")
        .filter(reviewer__username="reviewer1")
        .count()
        == 2
    )
    flagged = sum(
        len(services.disagreements(cycle, region))
        for region in cycle.regions.all()
        if services.all_reviews_in(cycle, region)
    )
    assert flagged > 0


def test_seed_demo_ends_with_a_published_provisional_release():
    from scoring.models import Release

    call_command("seed_demo", "--today", timezone.localdate().isoformat())

    release = Release.objects.get()
    assert release.kind == Release.Kind.PROVISIONAL
    complete = [r for r in release.content["regions"] if r["complete"]]
    assert len(complete) >= 20
    assert {r["ranks"]["rank_national"] for r in complete} >= {1}


def test_seed_demo_twice_on_the_same_day_gives_the_same_data():
    call_command("seed_demo", "--today", "2026-11-28", "--password", "another-pass-1")
    first = Cycle.objects.values("name", "submissions_open", "appeals_close").get()

    call_command("seed_demo", "--today", "2026-11-28", "--password", "another-pass-1")

    assert (
        Cycle.objects.values("name", "submissions_open", "appeals_close").get() == first
    )
    from submissions.models import StoredFile, Submission

    assert Submission.objects.count() == 25
    assert StoredFile.objects.count() == 99  # regenerated files are identical
    assert (
        authenticate(
            RequestFactory().get("/"), username="reviewer1", password="another-pass-1"
        )
        is not None
    )
    assert Cycle.objects.get().submissions_open.date() == date(2026, 11, 21)
