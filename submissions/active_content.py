"""Refuse active content in an uploaded PDF or DOCX (issue 13, finding 1).

A pure module, called by `file_checks` once a file is known to be a readable PDF
or zip. Each check raises `ActiveContent` with `found`, the key of what was
found (one of `FOUND_KINDS`; submissions.services turns it into a translated
phrase for the reason shown to the uploader), and `detail` for the logs. Kept, because a real masterplan may contain them: images, embedded
spreadsheets or documents (OOXML packages), web hyperlinks, and PDF /URI links.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable

from defusedxml.ElementTree import iterparse

# PDF

# Readers run these actions without asking, or hand the reader's data to others.
PDF_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit_form",
    "/ImportData": "import_data",
    "/GoToR": "remote_go_to",
    "/GoToE": "embedded_go_to",
    "/RichMediaExecute": "rich_media",
}
PDF_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/RichMediaContent": "rich_media",
    "/RichMediaSettings": "rich_media",
}
PDF_SUBTYPES = {"/RichMedia": "rich_media"}
# Keys not followed: they lead to page content, fonts, images and appearance
# streams (no actions there), and resolving a stream reads all its bytes.
PDF_SKIPPED_KEYS = frozenset(
    [
        "/Parent",
        "/Contents",
        "/Resources",
        "/AP",
        "/Thumb",
        "/Metadata",
        "/EF",
        "/FontFile",
        "/FontFile2",
        "/FontFile3",
        "/StructTreeRoot",
        "/PieceInfo",
    ]
)
# Objects visited from the catalog; a masterplan of 50 MB has far fewer.
PDF_MAX_OBJECTS = 500_000
# Markup in the first kilobyte makes a browser or mail filter read it as HTML.
MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta)",
    re.IGNORECASE,
)

EXECUTABLE_EXTENSIONS = frozenset(
    [
        "exe",
        "dll",
        "js",
        "jse",
        "vbs",
        "vbe",
        "bat",
        "cmd",
        "ps1",
        "psm1",
        "scr",
        "msi",
        "msp",
        "com",
        "cpl",
        "hta",
        "jar",
        "lnk",
        "pif",
        "wsf",
        "wsh",
        "reg",
        "sh",
        "elf",
        "so",
        "app",
        "docm",
        "dotm",
        "xlsm",
        "xltm",
        "xlam",
        "pptm",
        "potm",
        "ppam",
        "sldm",
    ]
)


# Every `found` key a check can raise (each has a phrase in submissions.services).
FOUND_KINDS = frozenset(
    [
        "javascript",
        "launch",
        "submit_form",
        "import_data",
        "remote_go_to",
        "embedded_go_to",
        "rich_media",
        "markup_before_header",
        "markup_in_header",
        "markup_at_start",
        "too_many_objects",
        "embedded_program",
        "ole_object",
        "activex",
        "macros",
        "path_outside",
        "remote_template",
        "outside_link",
    ]
)


class ActiveContent(Exception):
    def __init__(self, found: str, detail: str) -> None:
        super().__init__(f"{found}: {detail}")
        self.found = found
        self.detail = detail


def check_pdf_head(head: bytes) -> None:
    """Refuse an HTML/PDF polyglot: markup before or inside the header line."""
    offset = head.find(b"%PDF-")
    if offset > 0 and b"<" in head[:offset]:
        raise ActiveContent("markup_before_header", repr(head[:40]))
    line = re.split(rb"[\r\n]", head[offset:], maxsplit=1)[0]
    if b"<" in line:
        raise ActiveContent("markup_in_header", repr(line[:60]))
    if match := MARKUP.search(head):
        raise ActiveContent("markup_at_start", repr(match.group()[:20]))


def check_pdf(reader) -> None:
    """Walk every object reachable from the trailer (catalog, /OpenAction, /AA
    on the catalog, pages and annotations, the /Names trees, embedded files)."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        reference = getattr(node, "indirect_reference", None)
        if hasattr(node, "idnum") and hasattr(node, "get_object"):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        elif reference is not None:
            key = (reference.idnum, reference.generation)
            if key in seen:
                continue
            seen.add(key)
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise ActiveContent("too_many_objects", f">{PDF_MAX_OBJECTS}")
        if isinstance(node, dict):
            _check_pdf_dictionary(node)
            stack.extend(
                value for name, value in node.items() if name not in PDF_SKIPPED_KEYS
            )
        elif isinstance(node, list):
            stack.extend(node)


def _check_pdf_dictionary(node: dict) -> None:
    for key, found in PDF_KEYS.items():
        if key in node:
            raise ActiveContent(found, f"{key} key")
    action = node.get("/S")
    if isinstance(action, str) and action in PDF_ACTIONS:
        raise ActiveContent(PDF_ACTIONS[action], f"/S {action}")
    subtype = node.get("/Subtype")
    if isinstance(subtype, str) and subtype in PDF_SUBTYPES:
        raise ActiveContent(PDF_SUBTYPES[subtype], f"/Subtype {subtype}")
    if node.get("/Type") == "/Filespec" or "/EF" in node:
        for name_key in ("/UF", "/F"):
            name = node.get(name_key)
            if isinstance(name, str) and _is_executable(name):
                raise ActiveContent("embedded_program", f"embedded file {name!r}")


# DOCX

HYPERLINK_TYPE = "/hyperlink"
REFUSED_RELATIONSHIPS = {
    "/oleObject": "ole_object",
    "/control": "activex",
    "/activeXControlBinary": "activex",
    "/vbaProject": "macros",
    "/wordVbaData": "macros",
}
WEB_SCHEMES = ("http", "https", "mailto")
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
DRIVE_LETTER = re.compile(r"^[A-Za-z]:")


def check_docx_names(entries: Iterable[zipfile.ZipInfo]) -> None:
    """Refuse entry names that leave the folder they are extracted into, and
    parts that hold macros, ActiveX controls, OLE objects or programs."""
    for entry in entries:
        name = entry.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or DRIVE_LETTER.match(name) or ".." in parts:
            raise ActiveContent("path_outside", repr(name))
        base = parts[-1].lower()
        if base in ("vbaproject.bin", "vbadata.xml"):
            raise ActiveContent("macros", repr(name))
        if name.lower().startswith("word/activex/"):
            raise ActiveContent("activex", repr(name))
        if base.startswith("oleobject") and base.endswith(".bin"):
            raise ActiveContent("ole_object", repr(name))
        if _is_executable(base):
            raise ActiveContent("embedded_program", repr(name))


def check_docx_parts(archive: zipfile.ZipFile) -> None:
    """Refuse macro content types and relationships that reach outside the
    file (other than web hyperlinks), or that point at OLE/ActiveX/VBA parts."""
    for element in _elements(archive, "[Content_Types].xml"):
        content_type = element.get("ContentType", "")
        if "macroenabled" in content_type.lower() or "vba" in content_type.lower():
            raise ActiveContent("macros", f"content type {content_type}")
    for entry in archive.infolist():
        if entry.filename.endswith(".rels"):
            for element in _elements(archive, entry.filename):
                _check_relationship(entry.filename, element)


def _check_relationship(part: str, element) -> None:
    kind = element.get("Type", "")
    target = element.get("Target", "")
    for suffix, found in REFUSED_RELATIONSHIPS.items():
        if kind.endswith(suffix):
            raise ActiveContent(found, f"{part}: {kind} -> {target}")
    if element.get("TargetMode", "").lower() != "external":
        return
    if kind.endswith(HYPERLINK_TYPE) and _is_web_link(target):
        return
    found = "remote_template" if kind.endswith("/attachedTemplate") else "outside_link"
    raise ActiveContent(found, f"{part}: {kind} -> {target}")


def _is_web_link(target: str) -> bool:
    """A hyperlink to a web page or mail address: not file://, a UNC share, a
    drive letter, a relative path (Word opens it as a file next to the
    document) or another protocol handler (ms-msdt:, javascript:...)."""
    scheme = URL_SCHEME.match(target.strip())
    return scheme is not None and scheme.group(1).lower() in WEB_SCHEMES


def _elements(archive: zipfile.ZipFile, part: str):
    """Elements of a small XML part, parsed without DTDs or entities."""
    if part not in archive.namelist():
        return
    with archive.open(part) as stream:
        for _event, element in iterparse(stream, forbid_dtd=True):
            yield element
            element.clear()


def _is_executable(name: str) -> bool:
    base = name.replace("\\", "/").rpartition("/")[2].lower().rstrip(". ")
    return "." in base and base.rpartition(".")[2] in EXECUTABLE_EXTENSIONS
