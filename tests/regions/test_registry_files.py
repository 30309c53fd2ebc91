from pathlib import Path

import pytest

from regions import registry_files
from regions.registry_files import RegistryFileError

pytestmark = pytest.mark.usefixtures("english_messages")

REGIONS_HEADER = "code,name,kind,province_code,province_name\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rows", "line", "reason"),
    [
        (
            "36.74,Kota A,kota,36,Banten\n3674,Kota B,kota,36,Banten\n",
            3,
            "not a Kemendagri code",
        ),
        (
            "36.74,Kota A,kota,36,Banten\n36.74,Kota B,kota,36,Banten\n",
            3,
            "appears twice",
        ),
        ("36.74,Kota A,city,36,Banten\n", 2, "kind must be kota or kabupaten"),
        ("36.74,Kota A,kota,35,Banten\n", 2, "does not match code"),
        ("36.74,Kota A,kota,36,Banten\n36.71,Kota B,kota,36,Jawa\n", 3, "named both"),
        ("36.74,,kota,36,Banten\n", 2, "name is empty"),
        ("36.74,Kota A,kota,36\n", 2, "expected 5 fields"),
    ],
)
def test_read_regions_names_the_line_and_reason(tmp_path, rows, line, reason):
    path = write(tmp_path, "regions.csv", REGIONS_HEADER + rows)

    with pytest.raises(RegistryFileError) as error:
        registry_files.read_regions(path)

    assert error.value.line == line
    assert reason in error.value.reason
    assert f"regions.csv, line {line}" in str(error.value)


def test_read_regions_refuses_missing_columns(tmp_path):
    path = write(tmp_path, "regions.csv", "code,name\n36.74,Kota A\n")

    with pytest.raises(RegistryFileError, match="missing column"):
        registry_files.read_regions(path)


def test_read_regions_refuses_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_bytes(
        (REGIONS_HEADER + "36.74,Kota Tangerang Selatan,kota,36,Banten\n").encode(
            "utf-16"
        )
    )

    with pytest.raises(RegistryFileError, match="not UTF-8"):
        registry_files.read_regions(path)


def test_read_regions_refuses_an_empty_file(tmp_path):
    with pytest.raises(RegistryFileError, match="no regions"):
        registry_files.read_regions(write(tmp_path, "regions.csv", REGIONS_HEADER))


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            "36.74,Serpong,-6.3,23.5,147.19,1354350",
            "longitude 23.5 is outside Indonesia",
        ),
        (
            "36.74,Serpong,16.3,106.7,147.19,1354350",
            "latitude 16.3 is outside Indonesia",
        ),
        ("36.74,Serpong,-6.3,east,147.19,1354350", "longitude is not a number"),
        ("36.74,Serpong,-6.3,106.7,-1,1354350", "area_km2 must be positive"),
        ("36.74,Serpong,-6.3,106.7,147.19,many", "population is not a whole number"),
        ("99.99,Nowhere,-6.3,106.7,147.19,1", "unknown code"),
    ],
)
def test_read_locations_refuses_wrong_values(tmp_path, row, reason):
    path = write(
        tmp_path,
        "region_locations.csv",
        "code,capital,latitude,longitude,area_km2,population\n" + row + "\n",
    )

    with pytest.raises(RegistryFileError) as error:
        registry_files.read_locations(path, {"36.74"})

    assert error.value.line == 2
    assert reason in error.value.reason


COHORT_HEADER = "batch_year,name_in_source,code,kind,province_code,province_name_current,source,note\n"
KNOWN = {
    "36.74": registry_files.RegionRow("36.74", "Kota Tangerang Selatan", "kota", "36")
}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2017,Kota X,99.99,kota,99,X,http://a,", "not in the region file"),
        (
            "2017,Tangsel,36.74,kabupaten,36,Banten,http://a,",
            "does not match the registry",
        ),
        (
            "twenty,Tangsel,36.74,kota,36,Banten,http://a,",
            "batch_year is not a whole number",
        ),
        ("1917,Tangsel,36.74,kota,36,Banten,http://a,", "is not a year"),
        ("2017,Tangsel,36.74,kota,36,Banten,,", "source is empty"),
    ],
)
def test_read_cohorts_refuses_wrong_rows(tmp_path, row, reason):
    path = write(tmp_path, "cohorts.csv", COHORT_HEADER + row + "\n")

    with pytest.raises(RegistryFileError) as error:
        registry_files.read_cohorts(path, KNOWN)

    assert error.value.line == 2
    assert reason in error.value.reason


def test_read_cohorts_refuses_a_region_listed_twice_in_a_year(tmp_path):
    row = "2017,Tangsel,36.74,kota,36,Banten,http://a,\n"
    path = write(tmp_path, "cohorts.csv", COHORT_HEADER + row + row)

    with pytest.raises(RegistryFileError, match="listed twice") as error:
        registry_files.read_cohorts(path, KNOWN)

    assert error.value.line == 3


def test_read_cohorts_without_status_columns_takes_defaults_from_the_note(tmp_path):
    path = write(
        tmp_path,
        "cohorts.csv",
        COHORT_HEADER
        + "2017,Tangsel,36.74,kota,36,Banten,http://a,\n"
        + "2018,Tangsel,36.74,kota,36,Banten,http://b,UNCERTAIN: listed twice\n",
    )

    first, second = registry_files.read_cohorts(path, KNOWN)

    assert (first.status, first.confirmed) == ("selected", True)
    assert (second.status, second.confirmed) == ("selected", False)


def test_read_cohorts_refuses_an_unknown_status(tmp_path):
    header = COHORT_HEADER.replace(",source", ",status,confirmed,source")
    path = write(
        tmp_path,
        "cohorts.csv",
        header + "2017,T,36.74,kota,36,Banten,won,yes,http://a,\n",
    )

    with pytest.raises(RegistryFileError, match="status must be one of"):
        registry_files.read_cohorts(path, KNOWN)
