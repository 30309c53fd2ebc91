"""The console's publish shows what it would change and asks to confirm
(issue 13, finding 7): a second POST carries the previewed content's checksum."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from reviews.models import Answer
from scoring import services
from scoring.models import RegionResult, Release

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    admin = create_user(username="adm-preview", password="pw-a-1", role=Role.ADMIN)
    client = Client()
    client.force_login(admin)
    return client


def _url() -> str:
    return reverse("scoring:publish")


def _preview(client: Client, cycle, kind: str = "provisional"):
    return client.post(_url(), {"cycle": cycle.pk, "kind": kind})


def _token(page: str) -> str:
    return re.search(r'name="checksum" value="([0-9a-f]{64})"', page).group(1)


def _confirm(client: Client, cycle, checksum: str, kind: str = "provisional"):
    return client.post(_url(), {"cycle": cycle.pk, "kind": kind, "checksum": checksum})


def _raise_tangsel(cycle) -> None:
    """Every answer for Kota Tangerang Selatan at the top level."""
    Answer.objects.filter(review__cycle=cycle, review__region_id="36.74").update(
        level=5
    )


def test_the_first_preview_publishes_nothing_and_says_it_is_the_first(
    small_cycle, admin_client
):
    response = _preview(admin_client, small_cycle)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Belum ada rilis: ini menerbitkan rilis pertama, dengan 5 daerah." in page
    assert "Konfirmasi: terbitkan hasil sementara" in page
    assert not Release.objects.exists()
    assert not RegionResult.objects.exists()  # read-only: nothing written


def test_the_preview_lists_a_region_whose_result_changes(small_cycle, admin_client):
    first = services.publish(cycle=small_cycle, final=False)
    before = {row["region"]: row for row in first.content["regions"]}["36.74"]
    _raise_tangsel(small_cycle)

    response = _preview(admin_client, small_cycle)
    page = response.content.decode()

    assert response.status_code == 200
    assert "berubah indeks, predikat, atau peringkatnya sejak rilis 1" in page
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "Kota Tangerang Selatan" in table
    old_index = f"{Decimal(before['index']):.2f}".replace(".", ",")
    assert f"{old_index} → 5,00" in table  # the index before and after
    assert "Memuaskan" in table  # the new band by name, not its code
    assert Release.objects.count() == 1
    assert _token(page) != first.checksum


def test_no_changes_since_the_latest_release_is_said(small_cycle, admin_client):
    services.publish(cycle=small_cycle, final=False)
    page = _preview(admin_client, small_cycle).content.decode()
    assert "Tidak ada perubahan sejak rilis 1." in page
    assert "<tbody>" not in page


def test_no_changes_is_said_in_english_under_the_switch(small_cycle, admin_client):
    from django.conf import settings

    services.publish(cycle=small_cycle, final=False)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _preview(admin_client, small_cycle).content.decode()
    assert "No changes since release 1." in page
    assert "Confirm: publish provisional results" in page


def test_confirming_the_preview_publishes_it(small_cycle, admin_client):
    services.publish(cycle=small_cycle, final=False)
    _raise_tangsel(small_cycle)
    token = _token(_preview(admin_client, small_cycle).content.decode())

    response = _confirm(admin_client, small_cycle, token)

    assert response.status_code == 302
    assert response.url == reverse("scoring:release", args=[small_cycle.pk, 2])
    release = Release.objects.get(cycle=small_cycle, number=2)
    assert release.checksum == token
    assert release.kind == Release.Kind.PROVISIONAL


def test_a_stale_confirm_publishes_nothing_and_shows_the_new_preview(
    small_cycle, admin_client
):
    services.publish(cycle=small_cycle, final=False)
    token = _token(_preview(admin_client, small_cycle).content.decode())
    _raise_tangsel(small_cycle)  # a review changes between preview and confirm

    response = _confirm(admin_client, small_cycle, token)
    page = response.content.decode()

    assert response.status_code == 409
    assert "tidak ada yang diterbitkan" in page
    assert "Kota Tangerang Selatan" in page  # the new preview's change
    assert _token(page) != token
    assert Release.objects.filter(cycle=small_cycle).count() == 1
    # Confirming the new preview publishes it.
    assert _confirm(admin_client, small_cycle, _token(page)).status_code == 302
    assert Release.objects.filter(cycle=small_cycle).count() == 2


def test_a_double_confirm_gives_one_release(small_cycle, admin_client):
    token = _token(_preview(admin_client, small_cycle).content.decode())

    first = _confirm(admin_client, small_cycle, token)
    second = _confirm(admin_client, small_cycle, token)

    assert (
        first.url == second.url == reverse("scoring:release", args=[small_cycle.pk, 1])
    )
    assert Release.objects.filter(cycle=small_cycle).count() == 1
    texts = [str(m) for m in get_messages(second.wsgi_request)]
    assert any("Tidak ada perubahan sejak rilis 1" in text for text in texts)


def test_a_final_preview_of_unchanged_content_says_it_makes_it_final(
    small_cycle, admin_client
):
    services.publish(cycle=small_cycle, final=False)
    page = _preview(admin_client, small_cycle, "final").content.decode()
    assert "Tidak ada perubahan sejak rilis 1." in page
    assert "sebagai rilis final" in page
    response = _confirm(admin_client, small_cycle, _token(page), "final")
    assert response.url == reverse("scoring:release", args=[small_cycle.pk, 2])
    assert Release.objects.get(number=2).kind == Release.Kind.FINAL


def test_no_preview_after_the_final_release(small_cycle, admin_client):
    services.publish(cycle=small_cycle, final=True)
    response = _preview(admin_client, small_cycle)
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Rilis final sudah terbit" in text for text in texts), texts
    assert Release.objects.count() == 1
