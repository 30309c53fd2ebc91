"""Published data as pre-rendered bytes: the one cache layer for releases.

A release never changes, so what the public reads from it (the dashboard's
data per filter, each region's scorecard data, the API's score lists) is
rendered once to bytes and kept in the shared cache (Redis in production)
under the release's id and checksum, the part and the language, with a strong
ETag (a hash of the bytes). A request reads those bytes and sends them, or a
304 when the client already has them; it never decodes the release.

The worker renders a release's parts right after publication
(scoring.tasks.render_release); a part still missing (an expired key, a
filter nobody asked for yet) is rendered on first use, by one process only:
the others wait for it a few seconds instead of rendering it too.

Each process keeps the parts it read last (NEAR_BYTES in all) in front of the
shared cache, under the same keys: a part never changes, so a copy is never
stale, and the largest ones (a dashboard, 380 KB; all 514 scores, 860 KB) are
not fetched from Redis on every request.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from scoring.models import Release

VERSION = 1  # bump when what a part holds changes
# Kept a week: long enough that the worker's rendering is what readers get,
# short enough that a region renamed in the registry shows up again.
CACHE_SECONDS = 60 * 60 * 24 * 7
BUILD_SECONDS = 120  # a builder that died frees its lock after this
WAIT_SECONDS = 10.0  # how long a request waits for another process's build
JSON = "application/json"
LATEST_CACHE = "public, max-age=60"  # "the latest release" changes on publication
RELEASE_CACHE = "public, max-age=31536000, immutable"


NEAR_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str
    content_type: str = JSON


def rendered(body: bytes, content_type: str = JSON) -> Rendered:
    return Rendered(
        body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', content_type
    )


def as_json(value: Any) -> Rendered:
    """The bytes JsonResponse would send for `value`."""
    return rendered(json.dumps(value, cls=DjangoJSONEncoder).encode())


def key(release: Release, part: str, language: str | None = None) -> str:
    """The release by id, checksum and publication time (an id alone can come
    back after a rolled-back transaction, and kinds share a checksum)."""
    language = language or get_language() or "-"
    stamp = int(release.published_at.timestamp() * 1_000_000)
    which = f"{release.pk}:{release.checksum[:16]}:{stamp}:{release.kind[:1]}"
    return f"published:v{VERSION}:{which}:{language}:{part}"


def _unpack(found: Any) -> Rendered | None:
    if isinstance(found, tuple) and len(found) == 3:
        return Rendered(*found)
    return None


def _pack(value: Rendered) -> tuple[bytes, str, str]:
    # A plain tuple in the cache: nothing to unpickle but bytes and strings.
    return (value.body, value.etag, value.content_type)


class Near:
    """The parts this process read last, at most `limit` bytes of bodies."""

    def __init__(self, limit: int = NEAR_BYTES) -> None:
        self.limit, self.size = limit, 0
        self.items: OrderedDict[str, Rendered] = OrderedDict()
        self.lock = threading.Lock()  # gunicorn's threads share it

    def get(self, name: str) -> Rendered | None:
        with self.lock:
            found = self.items.get(name)
            if found is not None:
                self.items.move_to_end(name)
            return found

    def put(self, name: str, value: Rendered) -> None:
        with self.lock:
            old = self.items.pop(name, None)
            self.size -= len(old.body) if old else 0
            self.items[name] = value
            self.size += len(value.body)
            while self.size > self.limit and self.items:
                _name, dropped = self.items.popitem(last=False)
                self.size -= len(dropped.body)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


NEAR = Near()


def _read(name: str) -> Rendered | None:
    found = NEAR.get(name)
    if found is None:
        found = _unpack(cache.get(name))
        if found is not None:
            NEAR.put(name, found)
    return found


def get(release: Release, part: str, language: str | None = None) -> Rendered | None:
    return _read(key(release, part, language))


def store(release: Release, parts: dict[str, Rendered], language: str) -> None:
    # One part per call: a pipeline of a whole release (tens of megabytes)
    # would outlast the cache's socket timeout and be dropped as an outage.
    for part, value in parts.items():
        cache.set(key(release, part, language), _pack(value), timeout=CACHE_SECONDS)


def fetch(
    release: Release,
    part: str,
    build: Callable[[], Rendered],
    *,
    language: str | None = None,
) -> Rendered:
    """The part's bytes in the active language (or `language`, "-" for a
    part that has none): from the cache, or rendered now by this process
    alone while others wait for it."""
    name = key(release, part, language)
    found = _read(name)
    if found is not None:
        return found
    lock = f"{name}:building"
    if cache.add(lock, 1, timeout=BUILD_SECONDS):
        try:
            found = build()
            cache.set(name, _pack(found), timeout=CACHE_SECONDS)
            NEAR.put(name, found)
        finally:
            cache.delete(lock)
        return found
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.02)
        found = _read(name)
        if found is not None:
            return found
        if cache.get(lock) is None:  # the builder failed: try ourselves
            break
    return build()


def matches(request: HttpRequest, etag: str) -> bool:
    """If-None-Match names this representation (RFC 9110 13.1.2, weak match)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def respond(
    request: HttpRequest, found: Rendered, cache_control: str = LATEST_CACHE
) -> HttpResponse:
    """The bytes with their ETag, or 304 when the client has them."""
    if matches(request, found.etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(found.body, content_type=found.content_type)
    response["ETag"] = found.etag
    response["Cache-Control"] = cache_control
    return response


def json_of(found: Rendered) -> Any:
    """A part read back as data, for the HTML pages built around it."""
    return json.loads(found.body)


def languages() -> Iterable[str]:
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES]
