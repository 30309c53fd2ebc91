"""The unread count for the header: no query for visitors, one COUNT otherwise."""

from __future__ import annotations

from django.http import HttpRequest

from notifications import services


def unread_count(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": services.unread_count(user)}
