"""Page texts of an uploaded document, for the pre-screen and for reviewers.

Runs in the worker on files that `file_checks.check_file` accepted. A PDF has real
pages. A DOCX has none until Word lays it out, so its pages are cut where the
author put a hard page break and where Word recorded a page falling when it last
saved the file (w:lastRenderedPageBreak); a document with neither is one page.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from enum import Enum, auto
from typing import IO, Any

import docx
from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError

from submissions.file_checks import FileKind

logger = logging.getLogger(__name__)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_OFF = ("0", "false", "off")


class UnreadableDocument(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def extract_pages(path: str | os.PathLike[str], kind: str) -> list[str]:
    """The text of each page, in order; "" for a page without text."""
    if kind == FileKind.PDF:
        return _pdf_pages(path)
    if kind == FileKind.DOCX:
        return _docx_pages(path)
    raise ValueError(f"unknown document kind {kind!r}")


# PDF


def _pdf_pages(path: str | os.PathLike[str]) -> list[str]:
    # An open file rather than the path: given a path pypdf reads the file whole.
    with open(path, "rb") as file:
        pages = _open_pdf_pages(file)
        return [_page_text(page, number) for number, page in enumerate(pages, 1)]


def _open_pdf_pages(file: IO[bytes]) -> list[PageObject]:
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UnreadableDocument("The PDF needs a password to open.")
        return list(reader.pages)
    except (UnreadableDocument, DependencyError, MemoryError):
        raise
    except Exception as error:
        # pypdf raises many kinds of error on malformed files, not only its own.
        raise UnreadableDocument(
            f"The PDF could not be opened ({type(error).__name__}: {error})."
        ) from error


def _page_text(page: PageObject, number: int) -> str:
    """One page's text; a page that fails (a broken font or content stream)
    gives "" so the other pages are still read."""
    try:
        return page.extract_text()
    except MemoryError:
        raise
    except Exception:
        logger.warning("no text from PDF page %d", number, exc_info=True)
        return ""


# DOCX


class _Break(Enum):
    HARD = auto()  # w:br w:type="page", or a paragraph with w:pageBreakBefore
    RENDERED = auto()  # w:lastRenderedPageBreak
    PARAGRAPH_END = auto()


def _docx_pages(path: str | os.PathLike[str]) -> list[str]:
    try:
        document = docx.Document(os.fspath(path))
    except MemoryError:
        raise
    except Exception as error:
        # python-docx raises PackageNotFoundError, KeyError, ValueError (not a
        # Word document, e.g. a macro-enabled one), lxml errors...
        message = str(error).replace(os.fspath(path), "the file")  # no server paths
        raise UnreadableDocument(
            f"The DOCX could not be opened ({type(error).__name__}: {message})."
        ) from error
    return _paginate(_tokens(document.element.body))


def _tokens(element: Any) -> Iterator[str | _Break]:
    """The body's text and breaks in document order, tables included.

    Walks the XML rather than python-docx's paragraphs: those skip text in
    content controls (w:sdt) and tracked insertions (w:ins), and hide hard page
    breaks. Deleted text (w:delText) and field codes (w:instrText) are other
    elements than w:t, so they are left out.
    """
    for child in element:
        tag = child.tag
        if tag == f"{_W}t":
            yield child.text or ""
        elif tag == f"{_W}tab":
            yield "\t"
        elif tag in (f"{_W}br", f"{_W}cr"):
            yield _Break.HARD if child.get(f"{_W}type") == "page" else "\n"
        elif tag == f"{_W}lastRenderedPageBreak":
            yield _Break.RENDERED
        elif tag == f"{_W}noBreakHyphen":
            yield "-"
        elif tag == f"{_W}p":
            if _breaks_page_before(child):
                yield _Break.HARD
            yield from _tokens(child)
            yield _Break.PARAGRAPH_END
        elif tag not in (f"{_W}pPr", f"{_W}rPr", _MC_FALLBACK):
            # Properties hold w:tab stops, not text; mc:Fallback repeats the
            # text of the mc:Choice before it (text boxes in older formats).
            yield from _tokens(child)


def _breaks_page_before(paragraph: Any) -> bool:
    flag = paragraph.find(f"{_W}pPr/{_W}pageBreakBefore")
    return flag is not None and flag.get(f"{_W}val", "true") not in _OFF


def _paginate(tokens: Iterable[str | _Break]) -> list[str]:
    """Pages of paragraphs joined by "\\n".

    When Word saves a document, the page after a hard break starts with a
    w:lastRenderedPageBreak too; a rendered break with no text since a hard break
    is that same break and does not start another page.
    """
    pages: list[list[str]] = [[]]
    line: list[str] = []
    after_hard_break = False

    def end_line() -> None:
        if text := "".join(line):
            pages[-1].append(text)
        line.clear()

    for token in tokens:
        if token is _Break.PARAGRAPH_END:
            end_line()
        elif isinstance(token, _Break):
            if token is _Break.RENDERED and after_hard_break:
                after_hard_break = False
                continue
            end_line()
            pages.append([])
            after_hard_break = token is _Break.HARD
        elif token:
            line.append(token)
            after_hard_break = False
    end_line()
    return ["\n".join(paragraphs) for paragraphs in pages]
