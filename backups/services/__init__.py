"""Export one assessment cycle with everything it needs to an archive, and
restore it on another database with the same published scores.

An archive holds the cycle's framework version (all of it), the people
involved (their accounts with password hashes, roles and profiles), the cycle,
its submissions with every document, version, evidence item, revision and
audit event, the stored files they point at with their extracted text, the
reviews, answers, consensus levels, appeals and score changes, the score runs,
region results and releases. Not in it: API tokens, webhooks and their
deliveries, notifications, and the region registry (regions and provinces are
reference data: `load_regions` loads them, and the import checks they exist).

Rows are plain dicts, one JSON file per model; primary keys in the archive are
the source database's and are only used to connect the rows: the import gives
every row a new key and maps the references, so the target database need not
be empty. Existing accounts (same username), an identical framework version
(same code and content) and stored files with the same SHA-256 are reused
instead of being created again. See docs/backup.md.

The package, in the order an archive goes through it:

    rows     the models an archive holds (import order), rows as plain dicts,
             find_cycle, label, app_version
    export   collect, export_cycle: one consistent snapshot, written with its
             stored files (backups.archive writes the zip and its manifest)
    checks   before an import writes anything: the rows are consistent and fit
             the target database (framework_fingerprint)
    restore  import_cycle: rows with new keys, files, then every release must
             read back with its archived checksum
"""

from backups.archive import BackupError
from backups.services import checks, export, restore, rows
from backups.services.checks import framework_fingerprint
from backups.services.export import collect, export_cycle
from backups.services.restore import PREPARE, checksum_of, import_cycle
from backups.services.rows import (
    FRAMEWORK_BOOKKEEPING,
    FRAMEWORK_MODELS,
    MODELS,
    REFERENCE_MODELS,
    Maps,
    Row,
    Rows,
    User,
    app_version,
    build,
    dump,
    find_cycle,
    label,
)

__all__ = [
    "FRAMEWORK_BOOKKEEPING",
    "FRAMEWORK_MODELS",
    "MODELS",
    "PREPARE",
    "REFERENCE_MODELS",
    "BackupError",
    "Maps",
    "Row",
    "Rows",
    "User",
    "app_version",
    "build",
    "checks",
    "checksum_of",
    "collect",
    "dump",
    "export",
    "export_cycle",
    "find_cycle",
    "framework_fingerprint",
    "import_cycle",
    "label",
    "restore",
    "rows",
]
