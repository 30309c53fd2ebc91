import pytest
from django.urls import reverse

from regions.models import Region

pytestmark = pytest.mark.django_db


def test_region_detail_shows_region_province_and_cohort_history(client):
    response = client.get("/regions/36.74/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kota Tangerang Selatan" in html
    assert "Banten" in html
    assert "2017" in html
    assert "Nota kesepahaman ditandatangani" in html  # Bahasa Indonesia by default


def test_region_detail_lists_a_cancelled_and_a_later_membership(client):
    html = client.get("/regions/32.76/").content.decode()

    assert "Dibatalkan" in html
    assert "2018" in html
    assert "2019" in html


def test_unknown_region_code_answers_404_in_indonesian(client):
    response = client.get("/regions/99.99/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_404_page_follows_the_english_switch(english):
    response = english.get("/regions/99.99/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_region_list_searches_names_and_codes(client):
    by_name = (
        client.get("/regions/", {"q": "tangerang"}).context["page"].paginator.count
    )
    by_code = client.get("/regions/", {"q": "36.7"}).context["page"]

    assert by_name == Region.objects.filter(name__icontains="tangerang").count() == 3
    assert {region.code for region in by_code.object_list} == {
        "36.71",
        "36.72",
        "36.73",
        "36.74",
    }


def test_region_list_filters_by_province_kind_and_cohort(client):
    page = client.get(
        "/regions/", {"province": "36", "kind": "kota", "cohort": "2017"}
    ).context["page"]

    assert [region.code for region in page.object_list] == ["36.71", "36.74"]


def test_region_list_cohort_filter_lists_the_2017_pilots(client):
    page = client.get("/regions/", {"cohort": "2017"}).context["page"]

    assert page.paginator.count == 26


def test_region_list_reports_invalid_filters_in_the_users_language(client):
    response = client.get("/regions/", {"cohort": "abc", "province": "zz"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Pilih pilihan yang valid" in html or "Masukkan pilihan yang valid" in html


def test_region_list_costs_the_same_queries_for_few_and_many_rows(
    client, django_assert_num_queries
):
    with django_assert_num_queries(6):
        few = client.get("/regions/", {"province": "36", "kind": "kota"})
    with django_assert_num_queries(6):
        many = client.get("/regions/", {"province": "35"})

    assert len(few.context["page"].object_list) == 4
    assert len(many.context["page"].object_list) == 38


def test_region_list_pages_through_all_regions(client):
    last = client.get("/regions/", {"page": 11}).context["page"]

    assert last.number == 11
    assert len(last.object_list) == 14
    assert client.get("/regions/", {"page": "nope"}).status_code == 200


def test_region_pages_are_reachable_by_reverse():
    assert reverse("regions:detail", args=["36.74"]) == "/regions/36.74/"
