import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role
from accounts.services import create_user, role_of
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_every_role_has_its_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert (
        Group.objects.get(name=Role.ADMIN)
        .permissions.filter(codename="change_region")
        .exists()
    )
    assert not Group.objects.get(name=Role.REVIEWER).permissions.exists()


def test_a_city_official_is_bound_to_exactly_one_region(official):
    assert official.profile.region.code == "36.74"
    assert role_of(official) == Role.OFFICIAL
    assert not official.is_staff


def test_a_city_official_without_region_is_refused():
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="must be bound to a region"),
    ):
        create_user(username="x", password="pw-x-12345", role=Role.OFFICIAL)


def test_ministry_staff_are_not_bound_to_a_region():
    with pytest.raises(ValidationError):
        create_user(
            username="y",
            password="pw-y-12345",
            role=Role.REVIEWER,
            region=Region.objects.get(code="36.74"),
        )


def test_login_page_logs_an_official_in_and_out(client, official):
    response = client.post(
        "/accounts/login/", {"username": "official-3674", "password": "pw-official-1"}
    )

    assert response.status_code == 302
    assert "Keluar (official-3674)" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "Masuk" in client.get("/").content.decode()


def test_a_wrong_password_is_refused_in_indonesian(client, official):
    response = client.post(
        "/accounts/login/", {"username": "official-3674", "password": "wrong"}
    )

    assert response.status_code == 200
    assert "nama pengguna dan sandi yang benar" in response.content.decode().lower()
