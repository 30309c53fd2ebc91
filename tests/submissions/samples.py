"""Real files for upload tests: good PDFs and DOCXs, and a corpus of bad ones.

Each builder writes one file to the given path and returns the path. The bad
files are small on disk and quick to build (the zip bomb is a few kilobytes that
declare tens of megabytes), so tests can build them in `tmp_path` every time.
"""

from __future__ import annotations

import random
import struct
import zipfile
from collections.abc import Sequence, Set
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from fpdf import FPDF, XPos, YPos
from pypdf import PdfReader, PdfWriter

FIXED_DATE = datetime(2024, 1, 1, tzinfo=UTC)
MB = 1024 * 1024

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
PACKAGE_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NAMESPACE}"><w:body>
<w:p><w:r><w:t>Masterplan Smart City</w:t></w:r></w:p>
</w:body></w:document>""".encode()


# Good files


def good_pdf(path: Path, pages: Sequence[str] = ("Halaman pertama",)) -> Path:
    """A PDF made by fpdf2 with one page per string (core font: latin-1 only)."""
    pdf = FPDF()
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    path.write_bytes(bytes(pdf.output()))
    return path


def good_docx(
    path: Path,
    paragraphs: Sequence[str] = ("Masterplan Smart City",),
    page_break_before: Set[int] = frozenset(),
    *,
    rendered_break_before: Set[int] = frozenset(),
    table: Sequence[Sequence[str]] = (),
) -> Path:
    """A DOCX made by python-docx, one paragraph per string.

    `page_break_before` holds indexes of paragraphs that start with a hard page
    break (w:br w:type="page"), as when the author presses Ctrl+Enter.
    `rendered_break_before` holds indexes of paragraphs whose first run starts
    with w:lastRenderedPageBreak, as Word records where pages fell when it saved
    (after a hard break too). `table` rows are added after the paragraphs.
    """
    document = docx.Document()
    for index, text in enumerate(paragraphs):
        paragraph = document.add_paragraph()
        if index in page_break_before:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
        run = paragraph.add_run(text)
        if index in rendered_break_before:
            run._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.save(str(path))
    return path


def large_pdf(path: Path, size_bytes: int, *, broken_xref: bool = False) -> Path:
    """A valid one-page PDF of about `size_bytes`, most of it one random-bytes
    image stream (as in a scanned document), written in chunks to stay light.

    With `broken_xref` the startxref offset is wrong, so pypdf must rebuild the
    cross-reference table by reading the whole file.
    """
    width = 1000
    height = max(1, (size_bytes - 2000) // width)
    content = b"BT /F1 12 Tf 72 770 Td (Lampiran data pendukung) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    image_header = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d"
        b" /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n"
        % (width, height, width * height)
    )
    noise = random.Random(size_bytes)
    offsets = []
    with path.open("wb") as file:
        file.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        for number, body in enumerate(objects, start=1):
            offsets.append(file.tell())
            file.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        offsets.append(file.tell())
        file.write(b"6 0 obj\n" + image_header)
        remaining = width * height
        while remaining:
            chunk = min(remaining, MB)
            file.write(noise.randbytes(chunk))
            remaining -= chunk
        file.write(b"\nendstream\nendobj\n")
        xref_at = file.tell()
        file.write(b"xref\n0 7\n0000000000 65535 f \n")
        file.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
        startxref = 7 if broken_xref else xref_at
        file.write(
            b"trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % startxref
        )
    return path


# Bad PDFs


def exe_renamed_pdf(path: Path) -> Path:
    """A Windows executable (MZ header) uploaded with a .pdf name."""
    stub = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48)
    path.write_bytes(stub + b"This program cannot be run in DOS mode.\r\n" * 10)
    return path


def exe_pdf_polyglot(path: Path) -> Path:
    """An executable carrying "%PDF-" in its first kilobyte (a polyglot file)."""
    path.write_bytes(
        b"MZ\x90\x00" + bytes(60) + b"%PDF-1.7\n" + bytes(200) + b"%%EOF\n"
    )
    return path


def html_renamed_pdf(path: Path) -> Path:
    """An HTML page uploaded with a .pdf name."""
    path.write_text(
        "<!DOCTYPE html>\n<html><head><title>Masterplan</title></head>"
        "<body><script>alert(1)</script></body></html>\n",
        encoding="utf-8",
    )
    return path


def truncated_pdf(path: Path) -> Path:
    """A good PDF cut in half, as an interrupted upload leaves it."""
    data = good_pdf(path, ["Halaman satu", "Halaman dua"]).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def pdf_without_pages(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty."""
    writer = PdfWriter()
    with path.open("wb") as file:
        writer.write(file)
    return path


def password_pdf(path: Path) -> Path:
    """A PDF that needs the user password "secret" to open (AES-256)."""
    return _encrypted(path, user_password="secret")


def owner_only_password_pdf(path: Path) -> Path:
    """A PDF with only an owner password (printing/copying restricted): it opens
    with the empty password, as many government PDFs do."""
    return _encrypted(path, user_password="")


def _encrypted(path: Path, *, user_password: str) -> Path:
    good_pdf(path, ["Dokumen terbatas"])
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(
        user_password=user_password,
        owner_password="pemilik-rahasia",
        algorithm="AES-256",
    )
    with path.open("wb") as file:
        writer.write(file)
    return path


def pdf_renamed_docx(path: Path) -> Path:
    """A good PDF uploaded with a .docx name."""
    return good_pdf(path)


def empty_file(path: Path) -> Path:
    """Zero bytes."""
    path.write_bytes(b"")
    return path


# Bad DOCXs


def zip_bomb_docx(path: Path, uncompressed_bytes: int = 20 * MB) -> Path:
    """A DOCX with a media entry of zeros compressed about 1000:1 (a 20 MB entry
    takes some 20 KB), streamed into the zip in chunks."""
    with (
        _docx_zip(path) as archive,
        archive.open("word/media/image1.png", "w") as entry,
    ):
        remaining = uncompressed_bytes
        while remaining:
            chunk = min(remaining, MB)
            entry.write(bytes(chunk))
            remaining -= chunk
    return path


def too_many_entries_docx(path: Path, entries: int = 1001) -> Path:
    """A DOCX padded with more tiny entries than DocxLimits allows."""
    with _docx_zip(path) as archive:
        for number in range(entries):
            archive.writestr(f"word/media/image{number}.png", b"")
    return path


def docx_with_external_entity(path: Path) -> Path:
    """A DOCX whose document.xml declares an external entity (XXE) to read
    /etc/passwd into the document text."""
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE w:document SYSTEM "file:///etc/passwd" [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<w:document xmlns:w="{W_NAMESPACE}"><w:body>
<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>
</w:body></w:document>"""
    return _docx_with_document(path, document.encode())


def docx_billion_laughs(path: Path) -> Path:
    """A DOCX whose document.xml nests entities to expand to gigabytes."""
    entities = '<!ENTITY lol0 "lol">\n' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">\n' for level in range(1, 10)
    )
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE w:document [
{entities}]>
<w:document xmlns:w="{W_NAMESPACE}"><w:body>
<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>
</w:body></w:document>"""
    return _docx_with_document(path, document.encode())


def docx_with_malformed_xml(path: Path) -> Path:
    """A DOCX whose document.xml is cut off mid-element."""
    return _docx_with_document(path, DOCUMENT_XML[: len(DOCUMENT_XML) // 2])


def password_docx(path: Path) -> Path:
    """A DOCX that Word encrypted with a password: not a zip but an OLE compound
    file holding "EncryptionInfo" and "EncryptedPackage" streams (the streams
    are left empty; only the container's header and directory are real)."""
    path.write_bytes(
        _ole_file(
            ["Root Entry", "EncryptionInfo", "\x06DataSpaces", "EncryptedPackage"]
        )
    )
    return path


def doc_renamed_docx(path: Path) -> Path:
    """An old binary Word document (.doc, an OLE compound file) named .docx."""
    path.write_bytes(_ole_file(["Root Entry", "WordDocument", "1Table"]))
    return path


def zip_without_document_xml(path: Path) -> Path:
    """A zip with the package parts of a DOCX but no word/document.xml."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
    return path


def broken_zip_docx(path: Path) -> Path:
    """A file that starts like a zip but has no central directory."""
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    return path


def _docx_with_document(path: Path, document: bytes) -> Path:
    with _docx_zip(path, document=document):
        pass
    return path


def _docx_zip(path: Path, document: bytes = DOCUMENT_XML) -> zipfile.ZipFile:
    """A minimal DOCX zip left open, so callers can add entries."""
    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr("_rels/.rels", PACKAGE_RELS)
    archive.writestr("word/document.xml", document)
    return archive


def _ole_file(names: Sequence[str]) -> bytes:
    """A minimal OLE compound file (512-byte sectors): header, one FAT sector
    (sector 0) and one directory sector (sector 1) listing `names`."""
    header = bytearray(b"\xff" * 512)
    header[:76] = bytes(76)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<LLLL", header, 44, 1, 1, 0, 0x1000)  # FAT count, dir start
    struct.pack_into("<LLLL", header, 60, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<L", header, 76, 0)  # the FAT is sector 0
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<LL", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)
    directory = bytearray(512)
    for index, name in enumerate(names[:4]):
        entry = 128 * index
        encoded = name.encode("utf-16-le") + b"\0\0"
        directory[entry : entry + len(encoded)] = encoded
        struct.pack_into(
            "<HBB", directory, entry + 64, len(encoded), 5 if index == 0 else 2, 1
        )
        struct.pack_into(
            "<LLL", directory, entry + 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF
        )
    return bytes(header + fat + directory)
