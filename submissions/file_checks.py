"""Safety checks on an uploaded PDF or DOCX, run before anything is stored.

The web process calls `check_file` on the temporary file Django streamed the upload
to. It returns the file's kind or raises `UploadRefused` with a reason code (the
Django side turns each code into a translated message) and an English detail for
the logs. Files are up to 50 MB and this runs inside a web request, so the checks
read only what they need: the first and last bytes, the PDF objects that lead to
the page tree, the zip directory and two small XML parts, streamed.
"""

from __future__ import annotations

import io
import os
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, iterparse
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from submissions import active_content

MAX_NAME_LENGTH = 255
PDF_SIGNATURE = b"%PDF-"
PDF_SIGNATURE_WINDOW = 1024  # readers accept some bytes before the header
PDF_END_MARKER = b"%%EOF"
PDF_END_WINDOW = 2048
# pypdf repairs a PDF whose cross-reference table is broken by reading the whole
# file at once. Allowed for files up to this size; a larger one is refused as
# damaged rather than loaded whole into the web process. No other read is as big.
PDF_WHOLE_READ_LIMIT = 8 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"
# An OLE compound file: an old .doc, or a DOCX that Word encrypted with a password.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_DIRECTORY_SECTORS_READ = 8
DOCX_REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")
LARGE_ENTRY_BYTES = 1024 * 1024  # the compression ratio is judged above this size
# Bytes allowed per entry in the zip central directory (46 bytes of fixed fields,
# plus the name and extra fields). Python's zipfile reads the whole directory and
# builds an object per entry before we could count them, so the directory's size
# is checked first.
DIRECTORY_BYTES_PER_ENTRY = 1024
# Files that may carry "%PDF-" in their first kilobyte yet are something else.
FOREIGN_SIGNATURES = (b"MZ", b"\x7fELF", ZIP_SIGNATURE, b"#!", b"<")


class FileKind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


class Refusal(StrEnum):
    """Why an upload was refused; each maps to a translated message."""

    NAME = "name"
    TYPE = "type"
    EMPTY = "empty"
    DAMAGED = "damaged"
    PASSWORD = "password"
    UNSAFE = "unsafe"


class UploadRefused(Exception):
    """`found` is the key of the active content found (active_content.FOUND_KINDS),
    if any."""

    def __init__(self, code: Refusal, detail: str, found: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.found = found


@dataclass(frozen=True)
class DocxLimits:
    """Limits against zip bombs; a real DOCX is far below each of them."""

    max_entries: int = 1000
    max_uncompressed: int = 200 * 1024 * 1024
    max_ratio: int = 100


def display_name(name: str) -> str:
    """The uploaded file's name, cleaned for display only (storage uses random
    names): no directories, no control or invisible formatting characters (a NUL
    or a right-to-left override can disguise "x.exe" as "x.pdf"), NFC-normalised
    so the same name typed on different systems compares equal."""
    visible = "".join(char for char in name if _is_visible(char))
    cleaned = unicodedata.normalize("NFC", visible)
    cleaned = cleaned.replace("\\", "/").rpartition("/")[2].strip()
    if not cleaned.strip("."):
        raise UploadRefused(Refusal.NAME, f"no usable file name in {name!r}")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UploadRefused(
            Refusal.NAME, f"file name has {len(cleaned)} characters after cleaning"
        )
    return cleaned


def _is_visible(char: str) -> bool:
    # Categories C* are control, format, surrogate, private-use and unassigned
    # characters; Zl and Zp are line and paragraph separators.
    category = unicodedata.category(char)
    return not category.startswith("C") and category not in ("Zl", "Zp")


def check_file(
    path: str | os.PathLike[str],
    name: str,
    *,
    limits: DocxLimits = DocxLimits(),
) -> FileKind:
    """The kind of the file at `path` uploaded as `name`, or UploadRefused.

    Checks run cheapest first: the name's extension, the size, the leading bytes,
    then the structure (PDF page tree; DOCX zip directory and main XML parts).
    """
    kind = _kind_from_name(display_name(name))
    with _GuardedFile(io.FileIO(path, "r")) as file:
        head = file.read(PDF_SIGNATURE_WINDOW)
        if not head:
            raise UploadRefused(Refusal.EMPTY, "file has 0 bytes")
        try:
            if kind is FileKind.PDF:
                _check_pdf(file, head)
            else:
                _check_docx(file, head, limits)
        except _WholeFileRead as error:
            raise UploadRefused(Refusal.DAMAGED, str(error)) from None
        except active_content.ActiveContent as error:
            raise UploadRefused(
                Refusal.UNSAFE, f"active content: {error}", found=error.found
            ) from None
    return kind


def _kind_from_name(name: str) -> FileKind:
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    try:
        return FileKind(extension)
    except ValueError:
        raise UploadRefused(
            Refusal.TYPE, f"extension {extension!r} is not allowed"
        ) from None


class _WholeFileRead(BaseException):
    """Raised by `_GuardedFile` when asked to read most of a large file at once.

    A BaseException on purpose: pypdf catches Exception in its repair paths and
    would carry on with a half-read file; this has to reach `check_file`.
    """


class _GuardedFile(io.BufferedReader):
    """The upload as the parsers see it: seekable, read in pieces, never whole.

    pypdf repairs a PDF whose cross-reference table is broken by reading the
    whole file; that is allowed up to PDF_WHOLE_READ_LIMIT bytes only.
    """

    def read(self, size: int | None = -1) -> bytes:
        wanted = self._remaining() if size is None or size < 0 else size
        if wanted > PDF_WHOLE_READ_LIMIT and self._remaining() > PDF_WHOLE_READ_LIMIT:
            raise _WholeFileRead(
                f"asked to read {wanted} bytes at once (broken cross-reference table?)"
            )
        return super().read(size)

    def _remaining(self) -> int:
        return os.fstat(self.fileno()).st_size - self.tell()


# PDF


def _check_pdf(file: IO[bytes], head: bytes) -> None:
    _check_pdf_signature(head)
    active_content.check_pdf_head(head)
    _check_pdf_end(file)
    try:
        pages = _count_pdf_pages(file)
    except (
        UploadRefused,
        active_content.ActiveContent,
        DependencyError,
        MemoryError,
    ):
        raise
    except NotImplementedError as error:
        # pypdf raises this only for encryption it cannot handle (certificate
        # security, unknown algorithms): the file cannot be opened without a key.
        raise UploadRefused(
            Refusal.PASSWORD, f"unsupported encryption: {error}"
        ) from error
    except Exception as error:
        # Malformed PDFs make pypdf raise many kinds of error (PdfReadError, but
        # also ValueError, KeyError, TypeError, RecursionError...).
        raise UploadRefused(
            Refusal.DAMAGED, f"pypdf: {type(error).__name__}: {error}"
        ) from error
    if pages < 1:
        raise UploadRefused(Refusal.DAMAGED, "PDF has no pages")


def _check_pdf_signature(head: bytes) -> None:
    offset = head.find(PDF_SIGNATURE)
    if offset < 0:
        raise UploadRefused(
            Refusal.TYPE, f"no %PDF- header; file starts with {head[:8]!r}"
        )
    prefix = head[:offset].lstrip(b"\xef\xbb\xbf \t\r\n")
    if prefix.startswith(FOREIGN_SIGNATURES):
        raise UploadRefused(
            Refusal.TYPE, f"%PDF- header preceded by {prefix[:8]!r} (polyglot file)"
        )


def _check_pdf_end(file: IO[bytes]) -> None:
    """A PDF ends with %%EOF; without it the upload was most likely cut short."""
    size = file.seek(0, os.SEEK_END)
    file.seek(max(0, size - PDF_END_WINDOW))
    if PDF_END_MARKER not in file.read(PDF_END_WINDOW):
        raise UploadRefused(Refusal.DAMAGED, "no %%EOF near the end (truncated?)")


def _count_pdf_pages(file: IO[bytes]) -> int:
    """The number of pages, after opening with the empty password if encrypted.

    An owner password alone (which only restricts printing or copying) is common
    on government PDFs and opens with the empty password, so it is accepted.
    pypdf gets the open file: given a path, it would read the file whole.
    """
    reader = PdfReader(file, strict=False)
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise UploadRefused(Refusal.PASSWORD, "PDF needs a password to open")
    pages = len(reader.pages)
    active_content.check_pdf(reader)
    return pages


# DOCX


def _check_docx(file: IO[bytes], head: bytes, limits: DocxLimits) -> None:
    _check_docx_signature(file, head)
    _check_zip_directory(file, limits)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            _check_zip_entries(entries, limits)
            active_content.check_docx_names(entries)
            names = {entry.filename for entry in entries}
            for part in DOCX_REQUIRED_PARTS:
                if part not in names:
                    raise UploadRefused(Refusal.DAMAGED, f"DOCX has no {part}")
            for part in DOCX_REQUIRED_PARTS:
                _check_xml(archive, part)
            _check_active_parts(archive)
    except (
        zipfile.BadZipFile,  # also a CRC mismatch while reading a part
        zlib.error,
        EOFError,
        NotImplementedError,  # unsupported compression method
        RuntimeError,  # a part encrypted with a zip password
        OSError,
    ) as error:
        raise UploadRefused(
            Refusal.DAMAGED, f"broken zip: {type(error).__name__}: {error}"
        ) from error


def _check_active_parts(archive: zipfile.ZipFile) -> None:
    try:
        active_content.check_docx_parts(archive)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as error:
        raise UploadRefused(Refusal.UNSAFE, f"relationships: {error}") from error
    except ParseError as error:
        raise UploadRefused(Refusal.DAMAGED, f"relationships: {error}") from error


def _check_docx_signature(file: IO[bytes], head: bytes) -> None:
    if head.startswith(ZIP_SIGNATURE):
        return
    if head.startswith(OLE_SIGNATURE) and _is_encrypted_package(file, head):
        raise UploadRefused(Refusal.PASSWORD, "DOCX encrypted with a password")
    raise UploadRefused(
        Refusal.TYPE, f"not a zip archive; file starts with {head[:8]!r}"
    )


def _is_encrypted_package(file: IO[bytes], head: bytes) -> bool:
    """Whether this OLE compound file is a password-protected DOCX (rather than
    an old .doc renamed): Word then stores the encrypted zip in a stream named
    "EncryptedPackage", listed in the compound file's directory, whose first
    sectors are searched for the name (a heuristic, without parsing the FAT)."""
    if len(head) < 52:
        return False
    sector_size = 1 << struct.unpack_from("<H", head, 30)[0]
    first_directory_sector = struct.unpack_from("<L", head, 48)[0]
    if sector_size not in (512, 4096):
        return False
    file.seek((first_directory_sector + 1) * sector_size)
    directory = file.read(OLE_DIRECTORY_SECTORS_READ * sector_size)
    return "EncryptedPackage".encode("utf-16-le") in directory


# End of central directory record: signature, disk numbers (2), entry counts (2),
# directory size, directory offset, comment length. The ZIP64 locator points at a
# ZIP64 record holding the real counts when the classic fields are saturated.
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_SIGNATURE = b"PK\x06\x06"


def _check_zip_directory(file: IO[bytes], limits: DocxLimits) -> None:
    """Refuse a zip whose central directory is too big to load, before zipfile
    loads it: a 50 MB file can hold a million tiny entries."""
    entries, directory_size = _zip_directory_size(file)
    if entries > limits.max_entries:
        raise UploadRefused(Refusal.UNSAFE, f"zip declares {entries} entries")
    if directory_size > limits.max_entries * DIRECTORY_BYTES_PER_ENTRY:
        raise UploadRefused(
            Refusal.UNSAFE, f"zip central directory has {directory_size} bytes"
        )


def _zip_directory_size(file: IO[bytes]) -> tuple[int, int]:
    """(declared entry count, central directory size) from the end record."""
    size = file.seek(0, os.SEEK_END)
    tail_start = max(0, size - _END_RECORD.size - 0xFFFF)  # 0xFFFF: max comment
    file.seek(tail_start)
    tail = file.read()
    position = len(tail)
    while (position := tail.rfind(_END_SIGNATURE, 0, position)) >= 0:
        # The last signature with room for the record and its comment after it.
        if position + _END_RECORD.size > len(tail):
            continue
        fields = _END_RECORD.unpack_from(tail, position)
        if position + _END_RECORD.size + fields[7] > len(tail):
            continue
        entries, directory_size = fields[4], fields[5]
        if entries != 0xFFFF and directory_size != 0xFFFFFFFF:
            return entries, directory_size
        return _zip64_directory_size(file, tail_start + position)
    raise UploadRefused(Refusal.DAMAGED, "no zip end of central directory")


def _zip64_directory_size(file: IO[bytes], end_record_at: int) -> tuple[int, int]:
    file.seek(max(0, end_record_at - _ZIP64_LOCATOR.size))
    raw_locator = file.read(_ZIP64_LOCATOR.size).ljust(_ZIP64_LOCATOR.size, b"\0")
    locator = _ZIP64_LOCATOR.unpack(raw_locator)
    if locator[0] != _ZIP64_LOCATOR_SIGNATURE:
        raise UploadRefused(Refusal.DAMAGED, "saturated zip end record, no ZIP64")
    file.seek(locator[2])
    record = file.read(_ZIP64_END_RECORD.size)
    if len(record) < _ZIP64_END_RECORD.size or not record.startswith(
        _ZIP64_END_SIGNATURE
    ):
        raise UploadRefused(Refusal.DAMAGED, "broken ZIP64 end record")
    fields = _ZIP64_END_RECORD.unpack(record)
    return fields[7], fields[8]


def _check_zip_entries(entries: list[zipfile.ZipInfo], limits: DocxLimits) -> None:
    """Refuse zip bombs by the sizes the archive declares. Reading a part never
    yields more than its declared size (zipfile stops there and checks the CRC),
    so the declared sizes bound what the XML checks below will decompress."""
    if len(entries) > limits.max_entries:
        raise UploadRefused(Refusal.UNSAFE, f"zip has {len(entries)} entries")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed:
        raise UploadRefused(Refusal.UNSAFE, f"zip expands to {total} bytes")
    for entry in entries:
        if (
            entry.file_size > LARGE_ENTRY_BYTES
            and entry.file_size > limits.max_ratio * entry.compress_size
        ):
            raise UploadRefused(
                Refusal.UNSAFE,
                f"{entry.filename!r} expands {entry.compress_size} bytes "
                f"to {entry.file_size}",
            )


def _check_xml(archive: zipfile.ZipFile, part: str) -> None:
    """Parse a part to the end without entity expansion or DTDs (Word never
    writes a DOCTYPE), keeping only the current branch of elements in memory."""
    try:
        with archive.open(part) as stream:
            _parse_and_discard(stream)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as error:
        raise UploadRefused(Refusal.UNSAFE, f"{part}: {error}") from error
    except ParseError as error:
        raise UploadRefused(Refusal.DAMAGED, f"{part}: {error}") from error


def _parse_and_discard(stream: IO[bytes]) -> None:
    open_elements = []
    events = iterparse(stream, events=("start", "end"), forbid_dtd=True)
    for event, element in events:
        if event == "start":
            open_elements.append(element)
            continue
        open_elements.pop()
        if open_elements:
            open_elements[-1].remove(element)  # finished: drop it from the tree
