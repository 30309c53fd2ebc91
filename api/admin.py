from django.contrib import admin

from api.models import ApiToken
from submissions.admin import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "prefix", "scope", "expires_at", "revoked_at"]
    exclude = ["digest"]
