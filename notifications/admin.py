"""The back office: notifications read-only (they are written by `notify`
and read by their recipients, never edited by hand), and the webhooks with
their delivery log."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications import webhooks
from notifications.models import Notification, Webhook, WebhookDelivery


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "text", "read_at", "emailed_at"]
    list_filter = [
        "kind",
        ("read_at", admin.EmptyFieldListFilter),
        ("emailed_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    date_hierarchy = "created_at"
    fields = [
        "user",
        "kind",
        "text",
        "params",
        "url",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("message"))
    def text(self, obj: Notification) -> str:
        return obj.message()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["created_at", "event", "status", "attempts", "response_code", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


class WebhookForm(forms.ModelForm):
    class Meta:
        model = Webhook
        fields = ["url", "events", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        webhooks.check_url(url)  # public receivers only
        return url


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """The secret is made on creation and shown once, in the confirmation."""

    form = WebhookForm
    list_display = ["url", "events", "active", "created_at"]
    fields = ["url", "events", "active"]
    inlines = [DeliveryInline]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.secret = webhooks.new_secret()
            messages.warning(
                request,
                gettext("The webhook's secret (shown only now): %(secret)s")
                % {"secret": obj.secret},
            )
        super().save_model(request, obj, form, change)
