from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from api import tokens


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer sc_…`: a personal API token."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(
            errors="ignore"
        )
        if not header.startswith(self.keyword + " "):
            return None
        token = tokens.check(header[len(self.keyword) + 1 :].strip())
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("The token is unknown, expired or revoked.")
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class TokenScope(permissions.BasePermission):
    """A read-scoped token only reads; sessions and write tokens may write."""

    message = _("This token may only read: issue one with the write scope.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if request.method in permissions.SAFE_METHODS or token is None:
            return True
        return getattr(token, "scope", None) == "write"
