import pytest
from django.test import RequestFactory

from accounts.models import Role
from accounts.services import create_user
from assessments.models import Cycle, FrameworkVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry_admin(client):
    create_user(username="ministry", password="pw-admin-123", role=Role.ADMIN)
    client.login(
        request=RequestFactory().get("/"), username="ministry", password="pw-admin-123"
    )
    return client


def cycle_form(**extra: str) -> dict:
    return {
        "year": "2019",
        "name": "Siklus 2019",
        "framework": str(FrameworkVersion.objects.get().pk),
        "submissions_open_0": "2019-06-01",
        "submissions_open_1": "08:00:00",
        "submissions_close_0": "2019-07-01",
        "submissions_close_1": "23:59:00",
        "reviews_close_0": "2019-08-01",
        "reviews_close_1": "23:59:00",
        "appeals_close_0": "2019-08-15",
        "appeals_close_1": "23:59:00",
        **extra,
    }


def test_an_admin_creates_a_cycle_that_takes_the_years_cohort(ministry_admin):
    response = ministry_admin.post("/admin/assessments/cycle/add/", cycle_form())

    assert response.status_code == 302
    cycle = Cycle.objects.get(name="Siklus 2019")
    assert cycle.regions.count() == 25
    assert cycle.regions.filter(code="32.76").exists()  # Depok, 2019


def test_an_admin_sees_deadlines_out_of_order_refused(ministry_admin):
    response = ministry_admin.post(
        "/admin/assessments/cycle/add/", cycle_form(reviews_close_0="2019-06-15")
    )

    assert response.status_code == 200
    assert "Tenggat waktu harus berurutan" in response.content.decode()
    assert not Cycle.objects.exists()


def test_a_locked_framework_cannot_be_changed_in_the_back_office(ministry_admin):
    framework = FrameworkVersion.objects.get()
    from assessments.services import lock_framework

    lock_framework(framework=framework)
    indicator = framework.indicators.first()

    response = ministry_admin.post(
        f"/admin/assessments/indicator/{indicator.pk}/change/", {"weight": "9"}
    )

    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.weight != 9


def test_a_reviewer_has_no_back_office(client):
    create_user(username="rev", password="pw-rev-12345", role=Role.REVIEWER)
    client.login(
        request=RequestFactory().get("/"), username="rev", password="pw-rev-12345"
    )

    assert client.get("/admin/").status_code == 302
