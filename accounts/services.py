from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Profile, Role
from accounts.roles import remember_role, role_of
from regions.models import Province, Region

__all__ = ["create_user", "role_of", "sync_role_groups"]  # role_of: accounts.roles

# The back office (Django admin) for ministry admins: everything of these apps,
# and the user accounts.
ADMIN_APPS = (
    "regions",
    "assessments",
    "accounts",
    "submissions",
    "reviews",
    "notifications",
    "scoring",
    "api",
)
ADMIN_MODELS = (("auth", "user"),)


def sync_role_groups() -> None:
    """Make sure each role's group exists; admins may manage this project's data."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    admin_group = Group.objects.get(name=Role.ADMIN)
    user_permissions = Q()
    for app_label, model in ADMIN_MODELS:
        user_permissions |= Q(
            content_type__app_label=app_label, content_type__model=model
        )
    admin_group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=ADMIN_APPS) | user_permissions
        )
    )


def sync_role_groups_after_migrate(**kwargs: Any) -> None:
    sync_role_groups()


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    role: Role,
    region: Region | None = None,
    home_province: Province | None = None,
    email: str = "",
    is_demo: bool = False,
) -> User:
    """Create (or reset) a user in exactly one role.

    A city official is bound to one region; ministry staff are bound to none.
    """
    if role == Role.OFFICIAL and region is None:
        raise ValidationError(_("A city official must be bound to a region."))
    if role != Role.OFFICIAL and region is not None:
        raise ValidationError(_("Only city officials are bound to a region."))
    user, _created = User.objects.get_or_create(username=username)
    user.email = email
    user.is_staff = role == Role.ADMIN
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role.value)[0]])
    Profile.objects.update_or_create(
        user=user,
        defaults={"region": region, "home_province": home_province, "is_demo": is_demo},
    )
    remember_role(user, role)
    return user
