"""The public release page (/results/<cycle>/): coverage as a percentage and
bands by name, in both languages (issue 17)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Band
from scoring import services

pytestmark = pytest.mark.django_db


def _coverage_cells(page: str) -> list[str]:
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]
    return [row[6].strip() for row in cells if len(row) == 8]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_release_page_shows_coverage_as_a_whole_percentage(small_cycle, language):
    services.recompute_now(small_cycle)
    services.publish(cycle=small_cycle, final=False)
    client = Client(headers={"accept-language": language})
    client.cookies["django_language"] = language

    page = client.get(reverse("scoring:latest", args=[small_cycle.pk])).content.decode()

    cells = _coverage_cells(page)
    assert len(cells) == 5
    assert cells == ["100%"] * 5


def test_the_release_page_names_each_band_in_the_reader_language(small_cycle):
    services.recompute_now(small_cycle)
    release = services.publish(cycle=small_cycle, final=False)
    codes = {row["band"] for row in release.content["regions"] if row["band"]}
    assert codes
    bands = Band.objects.filter(framework=small_cycle.framework, code__in=codes)

    indonesian = Client().get(reverse("scoring:latest", args=[small_cycle.pk]))
    english = Client()
    english.cookies["django_language"] = "en"
    in_english = english.get(reverse("scoring:latest", args=[small_cycle.pk]))

    for band in bands:
        assert f"<td>{band.name_id}" in indonesian.content.decode()
        assert f"<td>{band.name_en}" in in_english.content.decode()
        assert f"<td>{band.code}" not in indonesian.content.decode()
