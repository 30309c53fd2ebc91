"""Request rates: anonymous clients by address, signed-in clients by user.

DRF's `UserRateThrottle` falls back to the address for anonymous requests, so
with both default throttles an anonymous client counted twice (and paid for
two cache round trips). Here each request counts against one rate only.

The address is REMOTE_ADDR unless that is one of TRUSTED_PROXIES (addresses or
networks, e.g. the nginx container): only then is X-Forwarded-For read, from
the right, and the first address that is not a trusted proxy is the client.
Anything left of it was written by the client and is ignored, so a client
talking to gunicorn directly, or through the proxy, cannot pick its address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _is_trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False  # not an address: never a proxy of ours
    return any(ip in network for network in networks)


def client_address(meta: Mapping[str, str], trusted: Iterable[str]) -> str:
    """The client's address from a request's META, trusting X-Forwarded-For
    only as far as it was written by one of the `trusted` proxies."""
    remote = meta.get("REMOTE_ADDR", "")
    networks = _networks(tuple(trusted))
    if not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else remote  # every hop is one of ours


def request_address(request) -> str:
    """The client address of a Django request, by the rule above; also the
    login lockout's (AXES_CLIENT_IP_CALLABLE), so both count the same client."""
    return client_address(request.META, settings.TRUSTED_PROXIES)


class AnonymousRateThrottle(AnonRateThrottle):
    def get_ident(self, request) -> str:
        return request_address(request)


class SignedInRateThrottle(UserRateThrottle):
    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # AnonymousRateThrottle counts these
        return super().get_cache_key(request, view)
