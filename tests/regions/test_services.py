import csv
import shutil
from pathlib import Path

import pytest

from regions import services
from regions.models import Program, ProgramMembership, Province, Region
from regions.registry_files import RegistryFileError

pytestmark = pytest.mark.usefixtures("english_messages")


def snapshot() -> tuple:
    return (
        list(Province.objects.values_list()),
        list(Region.objects.values_list()),
        list(Program.objects.values_list()),
        list(ProgramMembership.objects.order_by("pk").values_list()),
    )


def copy_shipped_files(tmp_path: Path) -> services.RegistryFiles:
    defaults = services.RegistryFiles()
    for path in vars(defaults).values():
        shutil.copy(path, tmp_path / path.name)
    return services.RegistryFiles(
        **{name: tmp_path / path.name for name, path in vars(defaults).items()}
    )


@pytest.mark.django_db
def test_shipped_registry_has_every_province_and_region():
    assert Province.objects.count() == 38
    assert Region.objects.count() == 514
    assert Region.objects.filter(kind="kota").count() == 98
    tangsel = Region.objects.get(code="36.74")
    assert (tangsel.name, tangsel.province.name) == ("Kota Tangerang Selatan", "Banten")
    assert tangsel.latitude is not None
    assert tangsel.population > 0


@pytest.mark.django_db
def test_shipped_cohorts_match_the_published_lists():
    memberships = ProgramMembership.objects.all()

    assert memberships.filter(year=2017).count() == 26  # 25 of May 2017 + Lombok Timur
    assert memberships.filter(year=2018).count() == 50
    assert memberships.filter(year=2019).count() == 25
    assert set(memberships.filter(year=2017).values_list("region_id", flat=True)) >= {
        "36.74",
        "36.71",
    }
    assert Program.objects.get().target_regions == 100


@pytest.mark.django_db
def test_uncertain_cases_are_kept_as_the_sources_describe_them():
    depok = {m.year: m for m in ProgramMembership.objects.filter(region_id="32.76")}
    lombok_timur = ProgramMembership.objects.get(region_id="52.03", year=2017)
    banjar = ProgramMembership.objects.get(region_id="63.03", year=2019)

    assert depok[2018].status == "cancelled"
    assert depok[2019].status == "mou_signed"
    assert not lombok_timur.confirmed
    assert "UNCERTAIN" in lombok_timur.note
    assert not banjar.confirmed
    assert "Kota Banjar" in banjar.note


@pytest.mark.django_db
def test_loading_the_same_files_twice_changes_nothing():
    before = snapshot()

    report = services.load_registry(files=services.RegistryFiles())

    assert snapshot() == before
    assert report.regions.unchanged == 514
    assert (
        report.memberships.created
        == report.memberships.updated
        == report.memberships.deleted
        == 0
    )


@pytest.mark.django_db
def test_a_bad_row_is_refused_and_nothing_changes(tmp_path):
    files = copy_shipped_files(tmp_path)
    text = files.regions.read_text().replace(
        "36.74,Kota Tangerang Selatan", "36.74,Kota Tangsel Baru"
    )
    text += "36.99,Kota Ganda,kota,36,Banten\n36.99,Kota Ganda,kota,36,Banten\n"
    files.regions.write_text(text)
    before = snapshot()

    with pytest.raises(RegistryFileError) as error:
        services.load_registry(files=files)

    assert error.value.line == 517
    assert snapshot() == before


@pytest.mark.django_db
def test_a_bad_cohort_row_after_good_region_changes_is_refused_whole(tmp_path):
    files = copy_shipped_files(tmp_path)
    files.regions.write_text(
        files.regions.read_text().replace("Kota Tangerang Selatan", "Kota Tangsel Baru")
    )
    files.cohorts.write_text(
        files.cohorts.read_text() + "2019,X,99.99,kota,99,X,selected,yes,http://x,\n"
    )
    before = snapshot()

    with pytest.raises(RegistryFileError, match="line 103"):
        services.load_registry(files=files)

    assert snapshot() == before


@pytest.mark.django_db
def test_changes_in_the_files_are_applied_and_dropped_memberships_removed(tmp_path):
    files = copy_shipped_files(tmp_path)
    lines = files.cohorts.read_text().splitlines(keepends=True)
    files.cohorts.write_text("".join(line for line in lines if ",36.74," not in line))
    files.regions.write_text(
        files.regions.read_text().replace(
            "Kota Tangerang Selatan", "Kota Tangerang Selatan (baru)"
        )
    )

    report = services.load_registry(files=files)

    assert report.memberships.deleted == 1
    assert report.regions.updated == 1
    assert Region.objects.get(code="36.74").name == "Kota Tangerang Selatan (baru)"
    assert not ProgramMembership.objects.filter(region_id="36.74").exists()


@pytest.mark.django_db
def test_a_cohort_file_without_status_columns_loads_with_defaults(tmp_path):
    """The shared research file has no status/confirmed columns."""
    files = copy_shipped_files(tmp_path)
    with files.cohorts.open(newline="") as source:
        rows = list(csv.DictReader(source))
    columns = [name for name in rows[0] if name not in ("status", "confirmed")]
    with files.cohorts.open("w", newline="") as target:
        writer = csv.DictWriter(target, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)

    services.load_registry(files=files)

    depok_2018 = ProgramMembership.objects.get(region_id="32.76", year=2018)
    assert depok_2018.status == "selected"
    assert not depok_2018.confirmed
