"""Where uploaded files live: the local volume (MEDIA_ROOT) by default, or an
S3-compatible bucket when STORAGE_URL is set, so web and worker hosts need not
share a disk. No Django imports: settings.py calls `media_storage`.

    STORAGE_URL=s3://BUCKET[/PREFIX]?endpoint_url=https://s3.example:9000&region=ap-southeast-3

Query parameters (all optional): endpoint_url (any S3-compatible server; AWS
when absent), region, addressing_style (path, the default, or virtual). The
keys come from the usual AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables
(or the host's instance role), never from the URL. Objects are private; the
app reads them through the storage API, and downloads stream through the views
after their permission check, so no object URL is ever given out."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3 = "storages.backends.s3.S3Storage"
KNOWN = {"endpoint_url", "region", "addressing_style"}


class StorageUrlError(ValueError):
    """STORAGE_URL cannot be used; the message says why."""


def media_storage(url: str) -> dict[str, Any]:
    """The STORAGES["default"] entry for STORAGE_URL ('' for the local volume)."""
    if not url:
        return dict(LOCAL)
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise StorageUrlError(
            "STORAGE_URL must look like s3://bucket[/prefix]?endpoint_url=...&region=..."
        )
    if parts.username or parts.password:
        raise StorageUrlError(
            "STORAGE_URL must not hold keys: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - KNOWN
    if unknown:
        raise StorageUrlError(
            f"STORAGE_URL: unknown parameter(s) {', '.join(sorted(unknown))}"
        )
    style = query.get("addressing_style", "path")
    if style not in ("path", "virtual"):
        raise StorageUrlError("STORAGE_URL: addressing_style is path or virtual")
    options: dict[str, Any] = {
        "bucket_name": parts.hostname,
        "location": parts.path.strip("/"),
        "endpoint_url": query.get("endpoint_url") or None,
        "region_name": query.get("region") or None,
        "addressing_style": style,
        "signature_version": "s3v4",
        "default_acl": None,  # private objects, the bucket's own policy
        "querystring_auth": True,  # any URL made would be signed ...
        "querystring_expire": 60,  # ... and short-lived
        "file_overwrite": False,  # a name in use is never replaced
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    return {"BACKEND": S3, "OPTIONS": options}
