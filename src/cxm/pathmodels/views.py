"""Index model pages: fit a PLS path model on a stored wave, or compare two waves under one model."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cxm.org.models import active_language
from cxm.surveys.forms import label_text
from cxm.surveys.selectors import wave_list
from cxm.web.scope import current_scope

from . import present
from .forms import ConstructFormSet, FitForm, formset_initial, item_choices, model_from_forms
from .reports import ModelError, model_fit, preset_model, waves_compare


def _item_labels(questionnaire, language: str) -> dict[str, str]:
    return {i.code: label_text(i.label, language, "") for i in questionnaire.items}


def _page(request: HttpRequest, *, compare: bool) -> HttpResponse:
    template = "pathmodels/compare.html" if compare else "pathmodels/fit.html"
    waves = list(wave_list())
    if not waves:
        return render(request, template, {"waves": [], "compare": compare})
    by_code = {w.code: w for w in waves}
    language = active_language()
    source = request.POST if request.method == "POST" else request.GET
    wave = by_code.get(source.get("wave")) or waves[-1]
    questionnaire = wave.questionnaire.parsed()
    items = item_choices(questionnaire, language)
    context: dict[str, Any] = {"waves": waves, "compare": compare, "wave": wave}
    notice = error = None

    if request.method != "POST":
        model = preset_model("questionnaire", questionnaire, language=language)[0]
        initial = {"wave": wave.code, "preset": "questionnaire", "paths": "\n".join(model["paths"])}
        if compare:
            initial["wave"] = (waves[-2] if len(waves) > 1 else waves[-1]).code
            initial["wave_b"] = waves[-1].code
        form = FitForm(initial=initial, waves=waves, compare=compare)
        formset = ConstructFormSet(initial=formset_initial(model), form_kwargs={"items": items}, prefix="c")
    else:
        form = FitForm(request.POST, waves=waves, compare=compare)
        formset = ConstructFormSet(request.POST, form_kwargs={"items": items}, prefix="c")
        if form.is_valid() and request.POST.get("action") == "preset":
            model, dropped = preset_model(form.cleaned_data["preset"] or "questionnaire", questionnaire,
                                          language=language)
            if dropped:
                notice = _("This questionnaire has none of the preset's items %(items)s: choose the items of "
                           "each construct.") % {"items": ", ".join(dropped)}
            data = {**form.cleaned_data, "paths": "\n".join(model["paths"])}
            form = FitForm(initial=data, waves=waves, compare=compare)
            formset = ConstructFormSet(initial=formset_initial(model), form_kwargs={"items": items}, prefix="c")
        elif form.is_valid() and formset.is_valid():
            settings = form.cleaned_data
            try:
                model = model_from_forms(formset, settings["paths"])
                # Re-draw the editor from the model: fresh blank rows to add constructs.
                formset = ConstructFormSet(initial=formset_initial(model), form_kwargs={"items": items}, prefix="c")
                args = dict(user=request.user, model=model, unit_code=current_scope(request).unit_code,
                            scheme=settings["scheme"], n_boot=settings["bootstrap"], seed=settings["seed"],
                            missing=settings["missing"], max_iter=settings["max_iter"])
                labels = _item_labels(questionnaire, language)
                if compare:
                    comparison = waves_compare(wave_a=wave, wave_b=by_code[settings["wave_b"]], **args)
                    context.update(present.compare_context(comparison))
                else:
                    context.update(present.fit_context(model_fit(wave=wave, **args), labels))
            except ModelError as exc:
                error = exc.message
        elif form.is_valid():
            error = " ".join(formset.non_form_errors()) or _(
                "Some constructs have items that are not in the questionnaire of this wave: see below.")
    context.update({"form": form, "formset": formset, "error": error, "notice": notice})
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def model_fit_page(request: HttpRequest) -> HttpResponse:
    return _page(request, compare=False)


@login_required
@require_http_methods(["GET", "POST"])
def model_compare_page(request: HttpRequest) -> HttpResponse:
    return _page(request, compare=True)
