"""Issuing, checking and revoking personal API tokens.

A token reads `sc_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of
the whole token must match its digest (compared in constant time). Tokens are
long random strings, so a fast hash is the right one here (no password
stretching needed)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from api.models import ApiToken

MAX_DAYS = 365


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(*, user: User, name: str, scope: str, days: int = 90) -> tuple[ApiToken, str]:
    """A new token and its text, which is shown once and never stored."""
    if scope not in ApiToken.Scope.values:
        raise ValueError(f"scope must be read or write, not {scope!r}")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be 1 to {MAX_DAYS}")
    prefix = secrets.token_hex(4)
    raw = f"sc_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name[:100] or "token",
        prefix=prefix,
        digest=_digest(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, raw


def check(raw: str) -> ApiToken | None:
    """The active token with this text, or None."""
    parts = raw.split("_", 2)  # the secret may hold "_" itself
    if len(parts) != 3 or parts[0] != "sc":
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(raw)):
        return None
    if not token.is_active or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def revoke(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
