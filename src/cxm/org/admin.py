from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Department, Employee, OrgUnit, Period, User


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_ko", "name_en")


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "start", "end")
    list_filter = ("kind",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Role and scope"), {"fields": ("role", "org_units")}),)
    filter_horizontal = ("org_units", "groups", "user_permissions")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "org_unit")


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("employee_no", "name", "department", "org_unit", "position", "hired_on", "left_on")
    search_fields = ("employee_no", "name")
    list_select_related = ("department", "org_unit")
