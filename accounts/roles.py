"""Roles in one place. A user's role is the auth group named after it
(accounts.models.Role); it is looked up once per user object and kept on it,
so a request (whose user object lives as long as the request) pays one groups
query however many checks it makes.

Views: `role_required(Role.ADMIN)` under `@login_required` (a signed-in user
without the role gets 404, as for anything outside their scope). DRF:
`HasRole` with the view's `required_roles`. Querysets scope themselves with
`visible_to(user)` (reviews, answers, submissions), which call `role_of`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404, HttpRequest
from rest_framework.permissions import BasePermission

from accounts.models import Role

# Where the resolved role is kept on the user object (None is a valid role:
# no role at all).
_CACHE = "_smartcity_role"

View = TypeVar("View", bound=Callable[..., Any])


def role_of(user: User | AnonymousUser | None) -> Role | None:
    """The user's role, or None (visitors, users in no role group)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return getattr(user, _CACHE)
    except AttributeError:
        pass
    names = {group.name for group in user.groups.all()}
    role = next((role for role in Role if role.value in names), None)
    setattr(user, _CACHE, role)
    return role


def remember_role(user: User, role: Role | None) -> None:
    """After the user's groups change (accounts.services.create_user)."""
    setattr(user, _CACHE, role)


def has_role(user: User | AnonymousUser | None, *roles: Role) -> bool:
    return role_of(user) in roles


def is_admin(user: User | AnonymousUser | None) -> bool:
    return role_of(user) == Role.ADMIN


def role_required(*roles: Role) -> Callable[[View], View]:
    """A view for these roles only; anyone else signed in gets 404. Put it
    under `@login_required` (visitors go to the login page first)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not has_role(request.user, *roles):
                raise Http404
            return view(request, *args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorator


class HasRole(BasePermission):
    """DRF: the caller holds one of the view's `required_roles` (403 if not)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return has_role(request.user, *getattr(view, "required_roles", ()))
