"""Request rates: anonymous clients by address, signed-in clients by user.

DRF's `UserRateThrottle` falls back to the address for anonymous requests, so
with both default throttles an anonymous client counted twice (and paid for
two cache round trips). Here each request counts against one rate only.
"""

from __future__ import annotations

from rest_framework.throttling import UserRateThrottle


class SignedInRateThrottle(UserRateThrottle):
    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # AnonRateThrottle counts these
        return super().get_cache_key(request, view)
