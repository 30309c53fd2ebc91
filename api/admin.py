from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _

from api import webhooks
from api.models import ApiToken, Webhook, WebhookDelivery
from submissions.admin import ReadOnlyAdmin


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
                _("The webhook's secret (shown only now): %(secret)s")
                % {"secret": obj.secret},
            )
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "prefix", "scope", "expires_at", "revoked_at"]
    exclude = ["digest"]
