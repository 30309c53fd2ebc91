from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from accounts.models import Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["region"]


admin.site.unregister(User)


@admin.register(User)
class SmartCityUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "is_staff", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser grants superuser status or single permissions:
        a ministry admin manages accounts and their roles (groups), but cannot
        raise anyone, themselves included, above their own rights."""
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields
