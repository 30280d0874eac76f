from django.contrib import admin

from .models import ResponseImport


@admin.register(ResponseImport)
class ResponseImportAdmin(admin.ModelAdmin):
    """Imports are records of what happened: read-only here (undoing one is deleting its responses)."""

    list_display = ("imported_at", "wave", "source_name", "file_format", "rows", "user")
    list_filter = ("wave", "file_format")
    list_select_related = ("wave", "user")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
