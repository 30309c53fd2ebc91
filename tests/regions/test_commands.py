import shutil

import pytest
from django.core.management import CommandError, call_command

from regions import services
from regions.models import Region


@pytest.mark.django_db
def test_load_regions_twice_reports_everything_unchanged(capsys):
    call_command("load_regions")
    call_command("load_regions")

    output = capsys.readouterr().out.splitlines()
    assert output[-4:] == [
        "provinces: 0 created, 0 updated, 38 unchanged, 0 deleted",
        "regions: 0 created, 0 updated, 514 unchanged, 0 deleted",
        "programs: 0 created, 0 updated, 1 unchanged, 0 deleted",
        "memberships: 0 created, 0 updated, 101 unchanged, 0 deleted",
    ]


@pytest.mark.django_db
def test_load_regions_refuses_a_bad_row_naming_the_line_in_indonesian(tmp_path):
    regions = tmp_path / "regions.csv"
    shutil.copy(services.RegistryFiles().regions, regions)
    lines = regions.read_text().splitlines(keepends=True)
    lines[10] = "11.10,Kabupaten Aceh Singkil,kecamatan,11,Aceh\n"
    regions.write_text("".join(lines))

    with pytest.raises(CommandError) as error:
        call_command("load_regions", "--regions", str(regions))

    message = str(error.value)
    assert "regions.csv, baris 11" in message
    assert "kecamatan" in message
    assert "tidak ada yang diubah" in message
    assert Region.objects.get(code="11.10").kind == "kabupaten"
