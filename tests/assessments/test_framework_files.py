from pathlib import Path

import pytest
import yaml

from assessments import framework_files
from assessments.framework_files import FrameworkFileError
from assessments.services import DEFAULT_FRAMEWORK

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def framework() -> dict:
    return yaml.safe_load(DEFAULT_FRAMEWORK.read_text(encoding="utf-8"))


def write(tmp_path: Path, content: dict) -> Path:
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_framework_covers_every_dimension_and_readiness_element():
    content = framework_files.read_framework(DEFAULT_FRAMEWORK)

    indicators = content["indicators"]
    dimension_of = {
        m["code"]: g["code"] for g in content["dimensions"] for m in g["members"]
    }
    element_of = {
        m["code"]: g["code"]
        for g in content["readiness_elements"]
        for m in g["members"]
    }
    assert len(indicators) >= 40
    assert len(content["dimensions"]) == 6
    assert all(len(group["members"]) == 3 for group in content["dimensions"])
    assert [g["code"] for g in content["readiness_elements"]] == ["STR", "INF", "SUP"]
    for part in ("blueprint", "practice"):
        used = [i for i in indicators if i["part"] == part]
        assert {dimension_of[i["sub_dimension"]] for i in used} == set(
            dimension_of.values()
        )
    assert {element_of[i["readiness"]] for i in indicators} == {"STR", "INF", "SUP"}
    assert {i["readiness"] for i in indicators} == set(element_of)
    assert {i["aspect"] for i in indicators if i["part"] == "practice"} == set(
        framework_files.ASPECTS
    )
    assert content["target_band"] == "baik"
    assert [str(band["upper"]) for band in content["bands"]] == [
        "1.8",
        "2.6",
        "3.5",
        "4.2",
        "None",
    ]


def test_missing_level_descriptor_is_refused_naming_the_indicator(tmp_path, framework):
    del framework["indicators"][3]["rubric"][4]
    code = framework["indicators"][3]["code"]

    with pytest.raises(
        FrameworkFileError, match=f"indicator {code}: rubric level 4 is not described"
    ):
        framework_files.read_framework(write(tmp_path, framework))


def test_missing_english_descriptor_is_refused_naming_indicator_and_level(
    tmp_path, framework
):
    framework["indicators"][0]["rubric"][2]["en"] = " "
    code = framework["indicators"][0]["code"]

    with pytest.raises(
        FrameworkFileError,
        match=f"indicator {code}: rubric level 2 has no English text",
    ):
        framework_files.read_framework(write(tmp_path, framework))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: f["indicators"].append(dict(f["indicators"][0])),
            "indicator code .* appears twice",
        ),
        (lambda f: f["indicators"][0].update(weight=0), "weight must be positive"),
        (
            lambda f: f["indicators"][0].update(weight="heavy"),
            "weight must be a number",
        ),
        (
            lambda f: f["indicators"][0].update(sub_dimension="GOV.XXX"),
            "unknown sub_dimension",
        ),
        (
            lambda f: f["indicators"][0].update(readiness="NOPE"),
            "unknown readiness sub-element",
        ),
        (
            lambda f: f["indicators"][0].update(part="both"),
            "part must be blueprint or practice",
        ),
        (
            lambda f: f["indicators"][0].update(aspect="impact"),
            "Blueprint indicator has no evaluation aspect",
        ),
        (
            lambda f: f["indicators"][-1].update(aspect=None),
            "Practice indicator needs an aspect",
        ),
        (
            lambda f: f["indicators"][0]["rubric"].update({6: {"id": "x", "en": "x"}}),
            "levels outside 1-5",
        ),
        (lambda f: f["part_weights"].update(practice=-50), "practice must be positive"),
        (lambda f: f["aspect_weights"].pop("impact"), "impact must be a number"),
        (lambda f: f["bands"][2].update(upper=1.5), "band thresholds must ascend"),
        (lambda f: f["bands"][-1].update(upper=5), "top band has no upper bound"),
        (
            lambda f: f.update(target_band="luar_biasa"),
            "target_band 'luar_biasa' is not one of the bands",
        ),
        (lambda f: f.update(min_coverage=80), "min_coverage must be between 0 and 1"),
        (lambda f: f["levels"].pop(5), "levels must name exactly the levels 1 to 5"),
        (
            lambda f: f["dimensions"][1]["sub_dimensions"][0].update(code="GOV.LAY"),
            "code GOV.LAY appears twice",
        ),
        (lambda f: f.pop("code"), "framework: code is missing"),
    ],
)
def test_broken_framework_files_are_refused_with_the_problem_named(
    tmp_path, framework, change, message
):
    change(framework)

    with pytest.raises(FrameworkFileError, match=message):
        framework_files.read_framework(write(tmp_path, framework))


def test_invalid_yaml_is_refused_with_its_line(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text("code: X\nname: {id: a, en: b\nbands: [\n", encoding="utf-8")

    with pytest.raises(FrameworkFileError, match="not valid YAML at line"):
        framework_files.read_framework(path)


def test_yaml_tags_that_build_python_objects_are_refused(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(
        "code: !!python/object/apply:os.system ['true']\n", encoding="utf-8"
    )

    with pytest.raises(FrameworkFileError, match="not valid YAML"):
        framework_files.read_framework(path)


def test_same_content_gives_the_same_fingerprint_whatever_the_layout(
    tmp_path, framework
):
    first = framework_files.read_framework(DEFAULT_FRAMEWORK)["sha256"]

    second = framework_files.read_framework(write(tmp_path, framework))["sha256"]

    assert first == second


def test_shipped_framework_names_no_evidence_level_min_reviews_and_weight_ranges():
    content = framework_files.read_framework(DEFAULT_FRAMEWORK)

    assert content["no_evidence_level"] == 1
    assert content["min_reviews"] == 3
    assert content["weight_ranges"]["part"] == {
        "blueprint": [40.0, 60.0],
        "practice": [40.0, 60.0],
    }
    assert content["weight_ranges"]["aspect"]["outcome"] == [15.0, 45.0]


def test_absent_evidence_settings_take_their_defaults(tmp_path, framework):
    for key in ("no_evidence_level", "min_reviews", "weight_ranges"):
        framework.pop(key, None)

    content = framework_files.read_framework(write(tmp_path, framework))

    assert content["no_evidence_level"] is None
    assert content["min_reviews"] == 3
    assert content["weight_ranges"] == {}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("no_evidence_level", 0, "no_evidence_level must be one of the levels"),
        ("no_evidence_level", True, "no_evidence_level must be one of the levels"),
        ("min_reviews", 0, "min_reviews must be a whole number"),
        ("min_reviews", "3", "min_reviews must be a whole number"),
        ("weight_ranges", [1, 2], "weight_ranges must be a mapping"),
        ("weight_ranges", {"dimension": {}}, "weight_ranges must be a mapping"),
        (
            "weight_ranges",
            {"part": {"blueprint": [55, 60]}},
            "weight_ranges.part.blueprint must satisfy",
        ),
        (
            "weight_ranges",
            {"aspect": {"output": [10]}},
            "weight_ranges.aspect.output must be a list of two numbers",
        ),
        (
            "weight_ranges",
            {"aspect": {"sideways": [1, 2]}},
            "weight_ranges.aspect must map the names",
        ),
    ],
)
def test_broken_evidence_settings_are_refused_naming_key_and_reason(
    tmp_path, framework, key, value, message
):
    framework[key] = value

    with pytest.raises(FrameworkFileError, match=message):
        framework_files.read_framework(write(tmp_path, framework))
