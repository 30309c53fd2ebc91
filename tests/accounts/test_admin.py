"""The back office's user pages: a ministry admin manages accounts and roles
but cannot make anyone a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def test_a_ministry_admin_cannot_grant_superuser_status(client, admin_user, official):
    client.force_login(admin_user)
    page = client.get(f"/admin/auth/user/{admin_user.pk}/change/")
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content
    assert b'name="user_permissions"' not in page.content
    assert b'name="groups"' in page.content  # roles stay theirs to manage

    form = {
        "username": admin_user.username,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": list(admin_user.groups.values_list("pk", flat=True)),
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": admin_user.profile.pk,
        "profile-0-user": admin_user.pk,
    }
    client.post(f"/admin/auth/user/{admin_user.pk}/change/", form)
    assert not User.objects.get(pk=admin_user.pk).is_superuser
