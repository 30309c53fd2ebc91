from django.utils import translation

from dashboards import charts, services


def test_every_chart_label_has_a_translation_in_both_languages():
    for language in ("id", "en"):
        with translation.override(language):
            labels = services.chart_labels()
        assert set(charts.LABEL_KEYS) <= set(labels)
        assert all(labels[key] and labels[key] != key for key in charts.LABEL_KEYS)
    with translation.override("id"):
        indonesian = services.chart_labels()
    assert indonesian["col:region"] == "Daerah"
