"""Admin of mystery shopping: checklists edited in place, imported and exported as YAML."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cxm.core.exceptions import ApplicationError

from .models import Checklist, ChecklistItem, ChecklistSection, Visit
from .services import checklist_export, checklist_import


class SectionInline(admin.TabularInline):
    model = ChecklistSection
    extra = 0
    fields = ("order", "code", "title_ko", "title_en")
    show_change_link = True  # the items are edited on the section's page


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("order", "code", "text_ko", "text_en", "kind", "scale_min", "scale_max", "weight", "allows_na")


class ChecklistImportForm(forms.Form):
    file = forms.FileField(label=_("Checklist YAML"))
    code = forms.SlugField(label=_("Code"), required=False,
                           help_text=_("Leave empty to use the code in the file; an existing code gets a new version."))


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title_ko", "title_en", "created_at")
    inlines = [SectionInline]
    actions = ["export_yaml"]
    change_list_template = "admin/mystery/checklist/change_list.html"

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="mystery_checklist_import"),
                *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:mystery_checklist_changelist"))
        form = ChecklistImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8-sig")
                checklist = checklist_import(source=text, code=form.cleaned_data["code"] or None)
            except (ApplicationError, UnicodeDecodeError) as exc:
                form.add_error("file", getattr(exc, "message", str(exc)))
            else:
                self.message_user(request, _("Imported %(checklist)s.") % {"checklist": checklist}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:mystery_checklist_change", args=[checklist.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": _("Import a checklist")}
        return render(request, "admin/mystery/checklist/import.html", context)

    @admin.action(description=_("Export as YAML"))
    def export_yaml(self, request: HttpRequest, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Pick exactly one checklist to export."), messages.WARNING)
            return None
        checklist = queryset.get()
        response = HttpResponse(checklist_export(checklist), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{checklist.code}-v{checklist.version}.yaml"'
        return response


@admin.register(ChecklistSection)
class ChecklistSectionAdmin(admin.ModelAdmin):
    list_display = ("checklist", "order", "code", "title_ko", "title_en")
    list_filter = ("checklist",)
    inlines = [ItemInline]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("branch", "visited_on", "period", "shopper_name", "agency", "checklist")
    list_filter = ("period", "checklist")
    list_select_related = ("branch", "period", "checklist")
    raw_id_fields = ("branch", "created_by")
    readonly_fields = ("answers", "created_at", "updated_at")  # answers are validated on the entry page
