"""Roles in one place (accounts.roles): one groups query per user object, the
view decorator, the DRF permission, and who sees which reviews and answers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from accounts.models import Role
from accounts.roles import HasRole, has_role, role_of
from reviews.models import Answer, Review
from tests.reviews.test_services import answer_all, submit_all

pytestmark = pytest.mark.django_db


def groups_queries(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if "auth_user_groups" in q["sql"]
    ]


def test_the_role_costs_one_query_however_often_it_is_asked(admin_user):
    user = User.objects.get(pk=admin_user.pk)  # a fresh object, as per request

    with CaptureQueriesContext(connection) as queries:
        roles = [role_of(user) for _ in range(22)]

    assert roles == [Role.ADMIN] * 22
    assert len(queries.captured_queries) == 1


def test_a_page_with_many_role_checks_makes_one_groups_query(admin_user, panel):
    # The reviews region page checks the role in the view, its helpers,
    # services (adjudication) and the navigation's context processor.
    client = Client()
    client.force_login(admin_user)
    review = panel[0]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            f"/reviews/cycle/{review.cycle_id}/region/{review.region_id}/"
        )

    assert response.status_code == 200
    assert len(groups_queries(queries)) == 1


def test_visitors_and_users_without_a_group_have_no_role(db):
    nobody = User.objects.create_user("nobody", password="pw-n")

    assert role_of(AnonymousUser()) is None
    assert role_of(None) is None
    assert role_of(nobody) is None
    assert not has_role(nobody, Role.ADMIN, Role.REVIEWER)


def test_role_required_answers_404_to_another_role_and_sends_visitors_to_login(
    reviewer,
):
    client = Client()
    assert client.get("/reviews/assignments/").status_code == 302

    client.force_login(reviewer)
    assert client.get("/reviews/assignments/").status_code == 404


def test_the_drf_permission_checks_the_views_roles(reviewer, official):
    class View:
        required_roles = (Role.REVIEWER,)

    request = APIRequestFactory().get("/")
    request.user = reviewer
    assert HasRole().has_permission(request, View())
    request.user = official
    assert not HasRole().has_permission(request, View())


def test_admins_see_every_review_and_reviewers_their_own(admin_user, panel):
    first, second, _third = panel

    assert Review.objects.visible_to(admin_user).count() == 3
    assert list(Review.objects.visible_to(first.reviewer)) == [first]
    assert list(Review.objects.visible_to(second.reviewer)) == [second]


def test_a_reviewer_sees_the_others_answers_only_after_submitting(admin_user, panel):
    first, second, _third = panel
    answer_all(Review.objects.get(pk=first.pk))
    answer_all(Review.objects.get(pk=second.pk))
    reviewer = first.reviewer

    before = set(Answer.objects.visible_to(reviewer).values_list("review", flat=True))
    submit_all(panel)
    after = set(Answer.objects.visible_to(reviewer).values_list("review", flat=True))

    assert before == {first.pk}
    assert after == {review.pk for review in panel}
    assert Answer.objects.visible_to(admin_user).count() == Answer.objects.count()
