"""The model editor: constructs (name, mode, items of the wave's questionnaire), paths and fit settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cxm.analytics.questionnaire import Questionnaire
from cxm.surveys.forms import label_text

from .reports import DEFAULT_BOOTSTRAP, MAX_BOOTSTRAP, MAX_CONSTRUCTS, ModelError

EXTRA_CONSTRUCTS = 2  # blank rows under the model, to add constructs without JavaScript


def scheme_choices() -> list[tuple[str, Any]]:
    return [("path", _("Path weighting")), ("centroid", _("Centroid")), ("factorial", _("Factorial"))]


def preset_choices() -> list[tuple[str, Any]]:
    return [("questionnaire", _("Built from the questionnaire (elements → satisfaction → loyalty)")),
            ("kcsi", _("KCSI / NCSI-style model")), ("acsi", _("ACSI model")), ("ecsi", _("ECSI model"))]


def item_choices(questionnaire: Questionnaire, language: str) -> list[tuple[str, str]]:
    """Every rated item of the questionnaire as ``(code, "code · label")``."""
    out = []
    for item in questionnaire.items:
        label = label_text(item.label, language, "")
        out.append((item.code, f"{item.code} · {label}" if label else item.code))
    return out


class ConstructForm(forms.Form):
    name = forms.CharField(label=_("Construct"), max_length=60, required=False)
    mode = forms.ChoiceField(label=_("Mode"), initial="A",
                             choices=[("A", _("A (reflective)")), ("B", _("B (formative)"))])
    items = forms.MultipleChoiceField(label=_("Indicator items"), required=False,
                                      widget=forms.SelectMultiple(attrs={"size": 5}))

    def __init__(self, *args, items: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = list(items)


ConstructFormSet = forms.formset_factory(ConstructForm, extra=EXTRA_CONSTRUCTS, max_num=MAX_CONSTRUCTS + EXTRA_CONSTRUCTS,
                                         absolute_max=MAX_CONSTRUCTS + EXTRA_CONSTRUCTS)


class FitForm(forms.Form):
    """Wave(s), preset and fit settings; the constructs come in the :data:`ConstructFormSet`."""

    wave = forms.ChoiceField(label=_("Survey wave"))
    preset = forms.ChoiceField(label=_("Preset"), required=False)
    paths = forms.CharField(label=_("Paths"), required=False, widget=forms.Textarea(attrs={"rows": 7}),
                            help_text=_("One per line: Source -> Target."))
    scheme = forms.ChoiceField(label=_("Inner weighting scheme"), initial="path")
    bootstrap = forms.IntegerField(label=_("Bootstrap resamples"), min_value=0, max_value=MAX_BOOTSTRAP,
                                   initial=DEFAULT_BOOTSTRAP)
    seed = forms.IntegerField(label=_("Seed"), min_value=0, initial=1)
    missing = forms.ChoiceField(label=_("Missing answers"), initial="listwise",
                                choices=[("listwise", _("Leave out incomplete answers")),
                                         ("mean", _("Fill with the item mean"))])
    max_iter = forms.IntegerField(label=_("Iteration cap"), min_value=1, max_value=1000, initial=300)

    def __init__(self, *args, waves: list, compare: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(w.code, str(w)) for w in waves]
        self.fields["wave"].choices = choices
        self.fields["preset"].choices = preset_choices()
        self.fields["scheme"].choices = scheme_choices()
        self.fields["bootstrap"].help_text = gettext("0 for none; at most %(n)s.") % {"n": MAX_BOOTSTRAP}
        if compare:
            self.fields["wave"].label = _("First wave")
            self.fields["wave_b"] = forms.ChoiceField(label=_("Second wave"), choices=choices)


def model_from_forms(formset: Any, paths: str) -> dict[str, Any]:
    """The model mapping from a valid construct formset and the paths text (blank rows skipped)."""
    constructs: dict[str, dict[str, Any]] = {}
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        name = (data.get("name") or "").strip()
        items = list(data.get("items") or [])
        if not name and not items:
            continue
        if name in constructs:
            raise ModelError(gettext("Construct %(name)s is defined twice.") % {"name": name})
        constructs[name] = {"mode": data.get("mode") or "A", "indicators": items}
    return {"constructs": constructs, "paths": [line.strip() for line in paths.splitlines() if line.strip()]}


def formset_initial(model: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, body in (model.get("constructs") or {}).items():
        if isinstance(body, dict):
            rows.append({"name": name, "mode": body.get("mode", "A"), "items": list(body.get("indicators") or [])})
        else:
            rows.append({"name": name, "mode": "A", "items": list(body or [])})
    return rows
