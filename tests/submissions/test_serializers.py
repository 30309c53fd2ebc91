"""The API's evidence input is derived from the browser's evidence form."""

from __future__ import annotations

from submissions.forms import EvidenceForm
from submissions.serializers import EvidenceInputSerializer


def test_the_evidence_input_has_the_forms_fields_and_a_file():
    fields = EvidenceInputSerializer().fields

    assert list(fields) == [*EvidenceForm.Meta.fields, "file"]


def test_the_evidence_input_limits_and_requirements_follow_the_form():
    fields = EvidenceInputSerializer().fields

    for name in EvidenceForm.Meta.fields:
        form_field = EvidenceForm.base_fields[name]
        if name != "is_quick_win":
            assert fields[name].required == form_field.required, name
        if getattr(form_field, "max_length", None) and name != "indicator":
            assert fields[name].max_length == form_field.max_length, name
    assert fields["indicator"].required
    assert not fields["file"].required
