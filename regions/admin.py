from django.contrib import admin

from regions.models import Program, ProgramMembership, Province, Region


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "capital", "population"]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "population"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "capital"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "start_year", "target_year", "target_regions"]


@admin.register(ProgramMembership)
class ProgramMembershipAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "status", "confirmed", "name_in_source"]
    list_filter = ["year", "status", "confirmed", "program"]
    list_select_related = ["region"]
    search_fields = ["region__name", "region__code", "name_in_source"]
    autocomplete_fields = ["region"]
