from django.contrib import admin

from .models import Invitation, Questionnaire, Response, SurveyLink, Wave


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title_ko", "title_en", "created_at")


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ("code", "questionnaire", "period", "opens_on", "closes_on", "anonymous")


@admin.register(SurveyLink)
class SurveyLinkAdmin(admin.ModelAdmin):
    list_display = ("wave", "org_unit", "is_active")
    list_select_related = ("wave", "org_unit")
    readonly_fields = ("token",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("link", "customer", "sent_at", "used_at")
    raw_id_fields = ("customer", "link")
    readonly_fields = ("token",)


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("wave", "org_unit", "channel", "segment", "submitted_at")
    list_filter = ("wave",)
    list_select_related = ("wave", "org_unit", "channel")
    raw_id_fields = ("customer", "invitation")
    show_full_result_count = False
