import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from scoring import services
from scoring.models import ScoreRun

pytestmark = pytest.mark.django_db


def test_the_public_reads_published_results_only(small_cycle, client):
    services.recompute_now(small_cycle)
    assert (
        client.get(reverse("scoring:latest", args=[small_cycle.pk])).status_code == 404
    )
    assert "Scored 2017" not in client.get(reverse("scoring:results")).content.decode()

    release = services.publish(cycle=small_cycle, final=False)

    page = client.get(reverse("scoring:latest", args=[small_cycle.pk])).content.decode()
    assert release.checksum in page
    assert "Kota Tangerang Selatan" in page
    assert client.get(reverse("scoring:results")).status_code == 200


def test_only_admins_reach_the_console(small_cycle, official):
    admin = create_user(username="admin-s", password="pw-a-1", role=Role.ADMIN)
    reviewer = create_user(username="rev-s", password="pw-r-1", role=Role.REVIEWER)
    for user in (official, reviewer):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("scoring:console")).status_code == 404
        assert (
            client.post(
                reverse("scoring:publish"), {"cycle": small_cycle.pk}
            ).status_code
            == 404
        )
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("scoring:recompute"), {"cycle": small_cycle.pk})
    assert response.status_code == 302
    assert ScoreRun.objects.filter(status="queued").count() == 1
    preview = client.post(
        reverse("scoring:publish"), {"cycle": small_cycle.pk, "kind": "provisional"}
    )
    assert preview.status_code == 200  # the preview first (test_publish_preview)
    checksum = re.search(r'name="checksum" value="(\w+)"', preview.content.decode())
    response = client.post(
        reverse("scoring:publish"),
        {"cycle": small_cycle.pk, "kind": "provisional", "checksum": checksum[1]},
    )
    assert response.url == reverse("scoring:release", args=[small_cycle.pk, 1])
    services.recompute_now(small_cycle)
    page = client.get(reverse("scoring:console")).content.decode()
    assert "Kesepakatan antarpenilai" in page
    assert page.count("scorer-") >= 3  # each reviewer's leniency
