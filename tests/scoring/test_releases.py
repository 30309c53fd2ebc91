from __future__ import annotations

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from scoring import services
from scoring.models import Release
from tests.scoring.conftest import scored_cycle


def publish_twice_at_once(cycle) -> list[Release]:
    """Two provisional publishes of the same cycle: in two threads on
    PostgreSQL (where the cycle lock serialises them), one after the other on
    SQLite (which has no concurrent writers to race)."""
    if connection.vendor != "postgresql":
        return [services.publish(cycle=cycle, final=False) for _ in range(2)]
    found: list[Release] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            found.append(services.publish(cycle=cycle, final=False))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return found


@pytest.mark.django_db(transaction=True)
def test_two_publishes_at_once_of_unchanged_content_leave_one_release(
    committed_data,
):
    cycle = scored_cycle(["36.71", "36.74", "32.73"])

    first, second = publish_twice_at_once(cycle)

    assert Release.objects.filter(cycle=cycle).count() == 1
    assert first.pk == second.pk
    assert first.checksum == second.checksum
    assert {first.unchanged, second.unchanged} == {False, True}


@pytest.mark.django_db
def test_publishing_unchanged_content_returns_the_latest_release(small_cycle):
    first = services.publish(cycle=small_cycle, final=False)
    again = services.publish(cycle=small_cycle, final=False)

    assert again.pk == first.pk
    assert again.number == 1
    assert again.unchanged is True
    assert first.unchanged is False


@pytest.mark.django_db
def test_a_final_release_of_unchanged_content_is_still_published(small_cycle):
    first = services.publish(cycle=small_cycle, final=False)
    final = services.publish(cycle=small_cycle, final=True)

    assert final.pk != first.pk
    assert final.kind == Release.Kind.FINAL
    assert final.checksum == first.checksum
    assert Release.objects.filter(cycle=small_cycle).count() == 2


@pytest.mark.django_db
def test_the_console_says_there_is_no_change_since_the_latest_release(small_cycle):
    admin = create_user(username="adm-idem", password="pw-a-1", role=Role.ADMIN)
    client = Client()
    client.force_login(admin)
    url = reverse("scoring:publish")

    data = {"cycle": small_cycle.pk, "kind": "provisional"}
    preview = client.post(url, data).content.decode()
    data["checksum"] = preview.split('name="checksum" value="')[1].split('"')[0]
    client.post(url, data)
    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url == reverse("scoring:release", args=[small_cycle.pk, 1])
    assert Release.objects.filter(cycle=small_cycle).count() == 1
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Tidak ada perubahan sejak rilis 1" in text for text in texts)


@pytest.mark.django_db
def test_a_release_keeps_the_regions_as_they_were_at_publication(small_cycle):
    from regions.models import Province, Region

    release = services.publish(cycle=small_cycle, final=False)
    region = Region.objects.get(code="36.74")
    before = {row["region"]: row for row in release.content["snapshot"]["regions"]}
    other = Province.objects.exclude(code=region.province_id).first()
    Region.objects.filter(code="36.74").update(
        province=other, kind="kabupaten", population=1
    )

    stored = Release.objects.get(pk=release.pk).content["snapshot"]["regions"]
    after = {row["region"]: row for row in stored}
    assert set(after) == {"36.71", "36.74", "32.73", "31.71", "35.78"}
    assert after["36.74"] == before["36.74"]
    assert after["36.74"]["province"] == "36"
    assert after["36.74"]["kind"] == "kota"
    assert after["36.74"]["province_name"] == region.province.name
    assert services.checksum_of(release) == release.checksum


@pytest.mark.django_db
def test_a_release_keeps_the_full_framework_mapping(small_cycle):
    from assessments.models import Indicator

    release = services.publish(cycle=small_cycle, final=False)
    framework = release.content["snapshot"]["framework"]
    indicator = Indicator.objects.select_related(
        "sub_dimension__dimension", "readiness__element"
    ).get(framework=small_cycle.framework, code=framework["indicators"][0]["code"])

    assert (
        len(framework["indicators"])
        == Indicator.objects.filter(framework=small_cycle.framework).count()
    )
    first = framework["indicators"][0]
    assert first["dimension"] == indicator.sub_dimension.dimension.code
    assert first["readiness_element"] == indicator.readiness.element.code
    assert first["levels"] == [1, 2, 3, 4, 5]
    assert framework["bands"][-1]["upper_bound"] is None


@pytest.mark.django_db
def test_a_release_keeps_every_answer_under_anonymous_stable_reviewer_ids(
    small_cycle,
):
    from django.contrib.auth.models import User

    from reviews.models import Answer

    first = services.publish(cycle=small_cycle, final=False)
    final = services.publish(cycle=small_cycle, final=True)
    answers = first.content["snapshot"]["answers"]

    assert len(answers) == Answer.objects.filter(review__cycle=small_cycle).count()
    ids = {row[2] for row in answers}
    assert len(ids) == 3
    names = set(User.objects.values_list("username", flat=True))
    assert not ids & names
    assert all(row[2].startswith("r-") and len(row[2]) == 18 for row in answers)
    assert final.content["snapshot"]["answers"] == answers


def _package_file(release, tmp_path, edit=None):
    import zipfile

    from scoring import package

    path = tmp_path / "package.zip"
    body = package.build(release)
    if edit is None:
        path.write_bytes(body)
        return path
    import io

    with zipfile.ZipFile(io.BytesIO(body)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members = edit(members)
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


@pytest.mark.django_db
def test_an_untampered_package_verifies(small_cycle, tmp_path, capsys):
    from django.core.management import call_command

    release = services.publish(cycle=small_cycle, final=False)
    path = _package_file(release, tmp_path)

    call_command("verify_release", str(path))

    assert "every published number" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_tampered_number_in_a_package_is_reported(small_cycle, tmp_path, capsys):
    import json

    from django.core.management import CommandError, call_command

    release = services.publish(cycle=small_cycle, final=False)
    target = next(r for r in release.content["regions"] if r["region"] == "36.74")

    def edit(members):
        meta = json.loads(members["release.json"])
        region = next(r for r in meta["content"]["regions"] if r["region"] == "36.74")
        region["index"] = "4.999999"
        members["release.json"] = json.dumps(meta).encode()
        return members

    path = _package_file(release, tmp_path, edit)
    with pytest.raises(CommandError, match="berbeda"):
        call_command("verify_release", str(path))

    out = capsys.readouterr().out
    assert f"36.74 index: published '4.999999', recomputed '{target['index']}'" in out
    assert "checksum" in out


@pytest.mark.parametrize(
    ("year", "province", "name"), [(2017, "91", "Papua"), (2023, "94", "Papua Tengah")]
)
def test_province_ranks_use_the_province_of_the_cycles_year(db, year, province, name):
    # Mimika (94.04) was in Papua in 2017; Papua Tengah was formed in 2022.
    mimika, jayapura = "94.04", "91.03"
    release = services.publish(
        cycle=scored_cycle([mimika, jayapura], year=year, name=f"Papua {year}"),
        final=False,
    )
    regions = {r["region"]: r for r in release.content["snapshot"]["regions"]}
    assert regions[mimika]["province"] == province
    assert regions[mimika]["province_name"] == name
    assert regions[mimika]["province_now"] == "94"
    ranks = {r["region"]: r["ranks"] for r in release.content["regions"]}
    together = {ranks[mimika]["rank_province"], ranks[jayapura]["rank_province"]}
    if year == 2017:  # one province of two regions: ranks 1 and 2
        assert together == {1, 2}
    else:  # each alone in its province
        assert together == {1}
