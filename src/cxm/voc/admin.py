from django.contrib import admin

from .models import Case, CaseCategory, CaseEvent, Holiday, SlaPolicy


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "parent")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("day", "name")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("kind", "severity", "business_hours")


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ("kind", "actor", "at", "from_status", "to_status", "text")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "status", "severity", "org_unit", "owner", "opened_at", "due_at")
    list_filter = ("kind", "status", "severity", "channel")
    search_fields = ("number", "subject")
    raw_id_fields = ("customer", "owner", "org_unit")
    readonly_fields = ("version",)
    inlines = [CaseEventInline]
