"""Survey management pages: questionnaires (upload, versions, YAML download) and the response import.

Both are for the roles that maintain surveys; to anyone else they do not exist (404), like
every object outside a user's scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cxm.customers.importing import ImportFailed, ImportOptions
from cxm.org.access import can_administer_surveys, can_import, sees_all_units
from cxm.surveys.models import Questionnaire

from .forms import QuestionnaireUploadForm, ResponseImportForm
from .models import ResponseImport
from .questionnaires import QuestionnaireInvalid, questionnaire_upload
from .services import responses_import

RECENT_IMPORTS = 20


@login_required
@require_http_methods(["GET", "POST"])
def questionnaires(request: HttpRequest) -> HttpResponse:
    """Every questionnaire version with its YAML, and the upload of a new one."""
    if not can_administer_surveys(request.user):
        raise Http404
    problem = None
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            q = questionnaire_upload(user=request.user, code=form.cleaned_data["code"],
                                     text=form.cleaned_data["file"].read())
        except QuestionnaireInvalid as exc:
            problem = exc.problem
        else:
            messages.success(request, _("Stored questionnaire %(code)s, version %(version)s.")
                             % {"code": q.code, "version": q.version})
            return HttpResponseRedirect(reverse("survey_manage:questionnaires"))
    versions = Questionnaire.objects.annotate(wave_count=Count("waves")).order_by("code", "-version")
    status = 400 if problem is not None or form.errors else 200
    return render(request, "surveys_manage/questionnaires.html",
                  {"form": form, "problem": problem, "versions": versions,
                   "can_import": can_import(request.user)}, status=status)


@login_required
@require_GET
def questionnaire_download(request: HttpRequest, code: str, version: int) -> HttpResponse:
    """One questionnaire version as YAML, to edit and upload again."""
    from cxm.surveys.services import questionnaire_export

    if not can_administer_surveys(request.user):
        raise Http404
    q = get_object_or_404(Questionnaire, code=code, version=version)
    response = HttpResponse(questionnaire_export(q), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{q.code}-v{q.version}.yaml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def response_import(request: HttpRequest) -> HttpResponse:
    """Upload a response file into a wave: all or nothing; every bad cell listed with row, column, reason."""
    user = request.user
    if not can_import(user):
        raise Http404
    failure = None
    form = ResponseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        options = ImportOptions(encoding=data["encoding"], sheet=data["sheet"] or None, source_name=upload.name)
        try:
            result = responses_import(file=upload.read(), wave=data["wave"], user=user, mapping=data["mapping"],
                                      options=options)
        except ImportFailed as exc:
            failure = exc
        else:
            messages.success(request, _("Imported %(file)s: %(count)s responses into %(wave)s.") % {
                "file": upload.name, "count": f"{result.created['responses']:,}", "wave": data["wave"].code})
            return HttpResponseRedirect(reverse("survey_manage:response_import"))
    recent = ResponseImport.objects.select_related("wave", "user")
    if not sees_all_units(user):
        recent = recent.filter(user=user)  # an import spans branches: each user lists their own
    status = 400 if failure is not None or form.errors else 200
    return render(request, "surveys_manage/response_import.html",
                  {"form": form, "failure": failure, "recent": recent[:RECENT_IMPORTS],
                   "can_administer_surveys": can_administer_surveys(user)}, status=status)
