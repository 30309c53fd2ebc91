"""Moved to demo/documents.py (issue 16). Kept for importers not yet updated
(bench/run.py, tests/e2e/test_accessibility.py); import from demo.documents."""

from demo.documents import chapters, masterplan_docx, masterplan_pdf

__all__ = ["chapters", "masterplan_docx", "masterplan_pdf"]
