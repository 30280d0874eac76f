from django.contrib import admin

from .models import AssignmentRule, Case, CaseAttachment, CaseCategory, CaseEvent, Holiday, SlaPolicy


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "parent")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("day", "name")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("kind", "severity", "business_hours")


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(admin.ModelAdmin):
    """Assignment rules; precedence: deepest category, then deepest unit, then priority (cxm.voc.assignment)."""

    list_display = ("name", "category", "org_unit", "assignee", "queue", "priority", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    raw_id_fields = ("assignee",)


class CaseAttachmentInline(admin.TabularInline):
    model = CaseAttachment
    extra = 0
    can_delete = False
    fields = ("original_name", "size", "content_type", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # files come through the case page's checks only
        return False


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
    inlines = [CaseAttachmentInline, CaseEventInline]
