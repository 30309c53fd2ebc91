"""The container of a cycle backup: a zip archive holding `manifest.json`, one
JSON file per model under `data/`, and every stored file under
`files/<sha256>`.

This module knows the container only: it writes members while hashing them,
and before anything is read for an import it checks every member against the
manifest (present, listed, same size, same SHA-256). What the members mean is
`backups.services`' business. The format is described in docs/backup.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
import zlib
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from django.utils.translation import gettext as _

FORMAT = "smartcity-cycle-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MEMBER = re.compile(r"^(data/[a-z_]+\.[a-z_]+\.json|files/[0-9a-f]{64})$")


class BackupError(Exception):
    """An export or import refused or failed; `message` is for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def data_member(label: str) -> str:
    """The member holding a model's rows, e.g. data/reviews.answer.json."""
    return f"data/{label}.json"


def file_member(sha256: str) -> str:
    """The member holding a stored file's bytes, named after their SHA-256."""
    return f"files/{sha256}"


def encode_rows(rows: list[dict[str, Any]]) -> bytes:
    """A JSON array with one row per line: readable, and diffable between backups."""
    lines = [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode()


class ArchiveWriter:
    """Writes an archive to a temporary file beside `path` (readable by its owner
    only: it holds password hashes) and moves it into place on `finish()`; on an
    error the temporary file is removed and `path` is left as it was."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.members: dict[str, dict[str, Any]] = {}
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".partial", dir=path.parent
        )
        os.close(handle)
        self._temporary = Path(temporary)
        self._zip = zipfile.ZipFile(
            self._temporary, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
        )
        self._finished = False

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self._finished:
            self._zip.close()
            self._temporary.unlink(missing_ok=True)

    def write_bytes(self, name: str, data: bytes) -> None:
        self._zip.writestr(name, data)
        self.members[name] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }

    def write_stream(self, name: str, source: IO[bytes]) -> dict[str, Any]:
        """Copy `source` into the member chunk by chunk (a 50 MB file never sits
        in memory); returns its sha256 and size as recorded in the manifest."""
        digest, size = hashlib.sha256(), 0
        info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with self._zip.open(info, "w", force_zip64=True) as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        self.members[name] = {"sha256": digest.hexdigest(), "size": size}
        return self.members[name]

    def finish(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Write the manifest (with every member's hash) and move the archive
        into place; returns the manifest."""
        manifest = {**manifest, "members": dict(sorted(self.members.items()))}
        self._zip.writestr(
            MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        )
        self._zip.close()
        os.replace(self._temporary, self.path)
        self._finished = True
        return manifest


class ArchiveReader:
    """Reads an archive; `verify()` must pass before anything else is read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise BackupError(_("%(path)s does not exist.") % {"path": path})
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise BackupError(
                _("%(path)s is not a readable backup archive (%(error)s).")
                % {"path": path, "error": error}
            ) from error
        self.manifest: dict[str, Any] = {}

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._zip.close()

    def verify(self) -> dict[str, Any]:
        """Check the manifest and every member against it; returns the manifest.

        Refused: no or unreadable manifest, another format or an unknown format
        version, a member missing, unlisted, listed twice or oddly named, or one
        whose size or SHA-256 differs from the manifest (damage or tampering).
        """
        self.manifest = manifest = self._read_manifest()
        listed = manifest.get("members")
        if not isinstance(listed, dict):
            raise BackupError(_("The archive's manifest lists no members."))
        names = self._zip.namelist()
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise BackupError(
                    _("The archive holds %(member)s twice.") % {"member": name}
                )
            seen.add(name)
            if name != MANIFEST and name not in listed:
                raise BackupError(
                    _("The archive holds %(member)s, which its manifest does not list.")
                    % {"member": name}
                )
        for name, expected in sorted(listed.items()):
            if not MEMBER.match(name) or not isinstance(expected, dict):
                raise BackupError(
                    _("The manifest lists an unexpected member: %(member)s.")
                    % {"member": name}
                )
            if name not in seen:
                raise BackupError(
                    _("The archive is incomplete: %(member)s is missing.")
                    % {"member": name}
                )
            self._verify_member(name, expected)
        return manifest

    def _read_manifest(self) -> dict[str, Any]:
        try:
            raw = self._zip.read(MANIFEST)
        except KeyError:
            raise BackupError(
                _("The archive has no manifest.json: it is not a cycle backup.")
            ) from None
        except (zipfile.BadZipFile, OSError, ValueError, zlib.error) as error:
            raise BackupError(
                _("The archive's manifest is damaged (%(error)s).") % {"error": error}
            ) from error
        try:
            manifest = json.loads(raw)
        except ValueError as error:
            raise BackupError(
                _("The archive's manifest is damaged (%(error)s).") % {"error": error}
            ) from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(
                _("The archive is not a cycle backup of this application.")
            )
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                _(
                    "The archive's format version %(version)s is not supported "
                    "(this application reads version %(supported)s)."
                )
                % {
                    "version": manifest.get("format_version"),
                    "supported": FORMAT_VERSION,
                }
            )
        return manifest

    def _verify_member(self, name: str, expected: dict[str, Any]) -> None:
        altered = BackupError(
            _(
                "%(member)s in the archive is damaged or was altered: it does not "
                "match the manifest's SHA-256."
            )
            % {"member": name}
        )
        if self._zip.getinfo(name).file_size != expected.get("size"):
            raise altered
        digest = hashlib.sha256()
        try:
            with self._zip.open(name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as error:
            raise altered from error
        if digest.hexdigest() != expected.get("sha256"):
            raise altered
        if name.startswith("files/") and name.removeprefix("files/") != (
            expected.get("sha256")
        ):
            raise BackupError(
                _(
                    "%(member)s is not named after its SHA-256: the stored file "
                    "was altered."
                )
                % {"member": name}
            )

    def read_rows(self, name: str) -> list[dict[str, Any]]:
        try:
            rows = json.loads(self._zip.read(name))
        except ValueError as error:
            raise BackupError(
                _("%(member)s in the archive cannot be read (%(error)s).")
                % {"member": name, "error": error}
            ) from error
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise BackupError(
                _("%(member)s in the archive is not a list of rows.") % {"member": name}
            )
        return rows

    def open(self, name: str) -> IO[bytes]:
        return self._zip.open(name)
