"""Roles are Django auth groups; a profile binds a user to what the role needs:
a city official to one region, a reviewer to a home province (conflict rules)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Province, Region


class Role(models.TextChoices):
    """Each value is the name of the auth group that carries the role."""

    ADMIN = "ministry_admin", _("Ministry admin")
    REVIEWER = "ministry_reviewer", _("Ministry reviewer")
    OFFICIAL = "city_official", _("City official")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name=_("region"),
        help_text=_("City officials only: the one region they act for."),
    )
    home_province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home province"),
        help_text=_("Reviewers: used by the conflict-of-interest rule."),
    )
    is_demo = models.BooleanField(_("demo account"), default=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)
