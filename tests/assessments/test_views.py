import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_home_shows_progress_toward_the_target_and_the_current_cycle(client):
    call_command("seed_demo", "--today", "2026-11-28")

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["progress"]["joined"] == 99  # Banyumas counts once
    assert response.context["progress"]["by_year"] == {2017: 26, 2018: 49, 2019: 25}
    # 99 distinct members on record for a target of 100: says what is unknown.
    assert (
        "<strong>99</strong> dari <strong>100</strong> daerah program tercatat; "
        "1 belum diketahui." in html
    )
    # Cohort counts keep unconfirmed memberships apart (the 2017 pilot was 25).
    assert '<td>2017</td><td class="num">25 + 1 belum terkonfirmasi</td>' in html
    assert '<td>2018</td><td class="num">48 + 1 belum terkonfirmasi</td>' in html
    assert '<td>2019</td><td class="num">24 + 1 belum terkonfirmasi</td>' in html
    assert "Demo GM100SC 2017" in html
    assert "Pengumpulan dibuka" in html


def test_home_without_a_cycle_says_so_in_english(english):
    html = english.get("/").content.decode()

    assert "No assessment cycle has been set up yet." in html
    assert 'lang="en"' in html


def test_language_switch_sets_english_and_returns_to_the_page(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/regions/36.74/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/regions/36.74/"
    assert "MoU signed" in client.get("/regions/36.74/").content.decode()


def test_browser_language_does_not_override_bahasa_indonesia(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert 'lang="id"' in html
    assert "Beranda" in html
