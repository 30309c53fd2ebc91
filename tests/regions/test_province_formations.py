"""Provinces formed from another one (the 2022 split of Papua): the registry
knows which province a region belonged to in a given year."""

from __future__ import annotations

import pytest

from regions import services
from regions.models import Province
from regions.registry_files import RegistryFileError
from tests.regions.test_services import copy_shipped_files, snapshot

pytestmark = pytest.mark.django_db


def test_the_shipped_formations_name_the_law_and_the_parent():
    tengah = Province.objects.get(code="94")
    assert (tengah.formed_in, tengah.formed_from_id) == (2022, "91")
    assert "UU No. 15 Tahun 2022" in tengah.formed_by
    assert Province.objects.get(code="96").formed_from_id == "92"
    assert Province.objects.get(code="36").formed_from is None


def test_a_region_of_papua_tengah_was_in_papua_until_the_2022_law():
    assert Province.objects.as_of(2017)["94"] == "91"  # Mimika in 2017
    assert Province.objects.as_of(2021)["94"] == "91"
    assert Province.objects.as_of(2022)["94"] == "94"  # the year of the law
    assert Province.objects.as_of(2024)["94"] == "94"
    assert Province.objects.as_of(2010)["65"] == "64"  # Kalimantan Utara, 2012
    assert Province.objects.as_of(2017)["65"] == "65"
    assert Province.objects.as_of(2017)["36"] == "36"
    assert len(Province.objects.as_of(2017)) == 38


def test_a_chain_of_formations_is_followed_back():
    # A province formed from one formed later still: both steps apply.
    Province.objects.filter(code="92").update(formed_in=2003, formed_from_id="91")
    assert Province.objects.as_of(2000)["96"] == "91"
    assert Province.objects.as_of(2010)["96"] == "92"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("97,Papua Lain,2022,91,UU", "code '97' is not a province"),
        ("36,Banten,2000,99,UU", "formed_from '99' is not a province"),
        ("36,Bantén,2000,32,UU", "is named 'Banten' in the region file"),
        ("36,Banten,2000,36,UU", "cannot be formed from itself"),
        ("36,Banten,dua ribu,32,UU", "formed_in is not a whole number"),
        ("36,Banten,1800,32,UU", "formed_in 1800 is not a year"),
        ("36,Banten,2000,32,", "law is empty"),
        ("94,Papua Tengah,2023,91,UU", "code 94 appears twice"),
        ("91,Papua,2022,36,UU", "formed in 2022 or later"),
    ],
)
def test_a_bad_formation_row_is_refused_naming_it_and_nothing_changes(
    tmp_path, english_messages, line, reason
):
    files = copy_shipped_files(tmp_path)
    files.province_formations.write_text(
        files.province_formations.read_text() + line + "\n"
    )
    before = snapshot()
    with pytest.raises(RegistryFileError, match=reason) as error:
        services.load_registry(files=files)
    assert error.value.path.name == "province_formations.csv"
    assert snapshot() == before
