"""The public survey pages: no account, rate-limited, Korean and English."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cxm.core.exceptions import ApplicationError
from cxm.core.ratelimit import client_address, rate_limited
from cxm.org.models import active_language

from .forms import SurveyResponseForm
from .services_public import response_submit, survey_entry, survey_is_open

#: Submissions allowed per client address and link per hour (a shared kiosk or office
#: network may answer several times; a script may not flood a branch's results).
RATE_LIMIT = 20
RATE_WINDOW = 3600


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    entry = survey_entry(token)
    if entry is None:
        raise Http404
    wave = entry.link.wave
    language = active_language()
    questionnaire = wave.questionnaire.parsed()
    context = {"entry": entry, "wave": wave, "unit": entry.link.org_unit, "closed": not survey_is_open(entry),
               "used": entry.invitation is not None and entry.invitation.used_at is not None}
    form = SurveyResponseForm(request.POST or None, questionnaire=questionnaire, language=language)
    status = 200
    if request.method == "POST" and not context["closed"] and not context["used"]:
        if rate_limited(f"survey-submissions:{client_address(request)}:{token}", limit=RATE_LIMIT, window=RATE_WINDOW):
            context["error"] = _too_many()
            status = 429
        elif form.is_valid():
            try:
                response_submit(entry=entry, answers=form.answers(), comments=form.comments(), language=language,
                                competitor_name=form.cleaned_data.get("competitor_name", ""))
            except ApplicationError as exc:
                context["error"] = exc.message
                status = 409
            else:
                return HttpResponseRedirect(reverse("surveys:thanks", args=[token]))
        else:
            status = 400
    context["form"] = form
    return render(request, "surveys/answer.html", context, status=status)


def _too_many() -> str:
    from django.utils.translation import gettext as _

    return _("Too many answers from your network in the last hour. Please try again later.")


def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    entry = survey_entry(token)
    if entry is None:
        raise Http404
    return render(request, "surveys/thanks.html", {"unit": entry.link.org_unit})
