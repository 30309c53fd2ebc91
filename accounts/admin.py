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
