"""What the workflow tells a person: one row per recipient, listed in the app
(with the unread count in the header) and e-mailed once in both languages.

A notification keeps plain names and codes (`params`), never references, so an
old one reads the same after regions, cycles or indicators change. Its text is
built in the reader's language when it is shown (`message()`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened. The comments name the recipients; REQUIRED_PARAMS the params."""

    # A reviewer was assigned to a region for a cycle. To: the reviewer.
    ASSIGNED = "assigned", _("Assigned to review")
    # The reviewers asked for a revision. To: the region's officials.
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    # All assigned reviews of a region are in. To: its lead reviewer, the admins.
    REVIEWS_COMPLETE = "reviews_complete", _("Reviews complete")
    # A region appealed an indicator. To: the admins, the region's lead reviewer.
    APPEAL_FILED = "appeal_filed", _("Appeal filed")
    # An appeal was decided. To: the region's officials.
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")


# The params each kind needs (extra ones are kept and ignored). Values are plain
# names and codes: region and cycle names, indicator codes; `indicators` is a
# list of codes, `due` an ISO 8601 date-time, `flagged` a count, `outcome`
# "upheld" or "rejected".
REQUIRED_PARAMS: dict[str, tuple[str, ...]] = {
    Kind.ASSIGNED: ("region", "cycle"),
    Kind.REVISION_REQUESTED: ("region", "cycle", "indicators", "due"),
    Kind.REVIEWS_COMPLETE: ("region", "cycle", "flagged"),
    Kind.APPEAL_FILED: ("region", "cycle", "indicator"),
    Kind.APPEAL_DECIDED: ("region", "cycle", "indicator", "outcome"),
}

OUTCOMES = {
    "upheld": pgettext_lazy("appeal outcome", "upheld"),
    "rejected": pgettext_lazy("appeal outcome", "rejected"),
}

MISSING = "\u2013"  # an en dash


class _Params(dict):
    """Params for %-formatting: a missing one shows as a dash, never an error."""

    def __missing__(self, key: str) -> str:
        return MISSING


def _when(value: Any) -> str:
    """An ISO date-time (or a datetime) as a date-time of the active language."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return MISSING if value is None else str(value)


def _codes(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(code) for code in value) or MISSING
    return MISSING if value is None else str(value)


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class Notification(models.Model):
    Kind = Kind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    params = models.JSONField(_("parameters"), default=dict, encoder=DjangoJSONEncoder)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read")
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def message(self) -> str:
        """The text in the active language, from the kind's template and params."""
        params = _Params(self.params or {})
        if self.kind == Kind.ASSIGNED:
            text = gettext("You were assigned to review %(region)s in %(cycle)s.")
        elif self.kind == Kind.REVISION_REQUESTED:
            params["indicators"] = _codes(params.get("indicators"))
            params["due"] = _when(params.get("due"))
            text = gettext(
                "The reviewers asked %(region)s to revise %(indicators)s by %(due)s."
            )
        elif self.kind == Kind.REVIEWS_COMPLETE:
            params["flagged"] = flagged = _count(params.get("flagged"))
            text = ngettext(
                "All reviews of %(region)s are in; %(flagged)s indicator needs "
                "a consensus.",
                "All reviews of %(region)s are in; %(flagged)s indicators need "
                "a consensus.",
                flagged,
            )
        elif self.kind == Kind.APPEAL_FILED:
            text = gettext("%(region)s appealed indicator %(indicator)s.")
        elif self.kind == Kind.APPEAL_DECIDED:
            outcome = params.get("outcome")
            params["outcome"] = OUTCOMES.get(outcome, outcome or MISSING)
            text = gettext("The appeal on indicator %(indicator)s was %(outcome)s.")
        else:
            return str(self.kind)
        text %= params
        # A param may end the sentence with its own period ("5 p.m.").
        return text[:-1] if text.endswith("..") else text


class Webhook(models.Model):
    """A receiver of signed JSON POSTs when releases are published or appeals
    decided. Its secret is shown once, when it is created."""

    class Event(models.TextChoices):
        RELEASE_PUBLISHED = "release.published", _("Release published")
        APPEAL_DECIDED = "appeal.decided", _("Appeal decided")

    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "api_webhook"  # the table it had in the api app
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "api_webhookdelivery"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} ({self.status})"
