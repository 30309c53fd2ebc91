from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.core.exceptions import ValidationError

from assessments import services
from assessments.framework_files import FrameworkFileError
from assessments.models import FrameworkVersion, Indicator, RubricLevel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]
JAKARTA = ZoneInfo("Asia/Jakarta")


def framework_rows() -> tuple:
    return (
        list(FrameworkVersion.objects.values_list()),
        list(Indicator.objects.order_by("pk").values_list()),
        list(RubricLevel.objects.order_by("pk").values_list()),
    )


def changed_copy(tmp_path, change) -> object:
    content = yaml.safe_load(services.DEFAULT_FRAMEWORK.read_text(encoding="utf-8"))
    change(content)
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def test_default_framework_is_loaded_with_its_rubrics():
    framework = FrameworkVersion.objects.get(code="GM100SC-2017")

    assert framework.indicators.count() >= 40
    assert (
        RubricLevel.objects.filter(indicator__framework=framework).count()
        == 5 * framework.indicators.count()
    )
    assert framework.part_weights == {"blueprint": 50, "practice": 50}
    assert list(framework.aspect_weights.values()) == [10, 20, 30, 30, 10]
    assert [level.name_id for level in framework.levels.all()] == [
        "Rintisan",
        "Terkelola",
        "Terdefinisi",
        "Terpadu dan Terukur",
        "Optimum",
    ]
    assert [band.code for band in framework.bands.all()] == [
        "kurang",
        "cukup",
        "baik",
        "sangat_baik",
        "memuaskan",
    ]


def test_loading_the_same_file_twice_changes_nothing():
    before = framework_rows()

    result = services.load_framework(path=services.DEFAULT_FRAMEWORK)

    assert result.outcome == "unchanged"
    assert framework_rows() == before


def test_a_changed_file_updates_an_unlocked_version(tmp_path):
    path = changed_copy(tmp_path, lambda c: c["indicators"][0].update(weight=3))
    code = yaml.safe_load(path.read_text())["indicators"][0]["code"]

    result = services.load_framework(path=path)

    assert result.outcome == "updated"
    assert Indicator.objects.get(framework__code="GM100SC-2017", code=code).weight == 3


def test_a_locked_version_is_never_changed(tmp_path):
    framework = FrameworkVersion.objects.get(code="GM100SC-2017")
    services.lock_framework(framework=framework)
    before = framework_rows()
    path = changed_copy(tmp_path, lambda c: c["indicators"][0].update(weight=3))

    with pytest.raises(FrameworkFileError, match="locked"):
        services.load_framework(path=path)

    assert framework_rows() == before


def test_a_new_code_makes_a_new_version_beside_a_locked_one(tmp_path):
    services.lock_framework(framework=FrameworkVersion.objects.get(code="GM100SC-2017"))
    path = changed_copy(tmp_path, lambda c: c.update(code="GM100SC-2018"))

    result = services.load_framework(path=path)

    assert result.outcome == "created"
    assert FrameworkVersion.objects.count() == 2


def test_a_broken_file_leaves_the_loaded_version_as_it_was(tmp_path):
    before = framework_rows()
    path = changed_copy(tmp_path, lambda c: c["indicators"][5]["rubric"].pop(3))

    with pytest.raises(FrameworkFileError):
        services.load_framework(path=path)

    assert framework_rows() == before


def cycle_dates(start: datetime) -> dict:
    return {
        "submissions_open": start,
        "submissions_close": start + timedelta(days=30),
        "reviews_close": start + timedelta(days=60),
        "appeals_close": start + timedelta(days=75),
    }


def test_a_cycle_takes_that_years_cohort_without_cancelled_memberships():
    cycle = services.create_cycle(
        year=2018,
        name="Siklus 2018",
        framework=FrameworkVersion.objects.get(),
        **cycle_dates(datetime(2018, 6, 1, tzinfo=JAKARTA)),
    )

    codes = set(cycle.regions.values_list("code", flat=True))
    assert len(codes) == 49
    assert "32.76" not in codes  # Kota Depok's 2018 membership was cancelled


def test_a_cycle_with_deadlines_out_of_order_is_refused():
    dates = cycle_dates(datetime(2019, 6, 1, tzinfo=JAKARTA))
    dates["reviews_close"] = dates["submissions_close"] - timedelta(days=1)

    with pytest.raises(ValidationError, match="Deadlines must be in order"):
        services.create_cycle(
            year=2019,
            name="Siklus 2019",
            framework=FrameworkVersion.objects.get(),
            **dates,
        )


def test_cycle_phase_follows_the_deadlines():
    start = datetime(2019, 6, 1, tzinfo=JAKARTA)
    cycle = services.create_cycle(
        year=2019,
        name="Siklus 2019",
        framework=FrameworkVersion.objects.get(),
        **cycle_dates(start),
    )

    assert cycle.phase_at(start - timedelta(days=1)) == "upcoming"
    assert cycle.phase_at(start + timedelta(days=1)) == "submissions"
    assert cycle.phase_at(start + timedelta(days=31)) == "reviews"
    assert cycle.phase_at(start + timedelta(days=61)) == "appeals"
    assert cycle.phase_at(start + timedelta(days=76)) == "closed"
