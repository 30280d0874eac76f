"""The public survey form, built from a questionnaire: one radio row per item, on its own scale."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cxm.analytics.questionnaire import Item, Questionnaire

COMMENT_MAX = 2000


def label_text(labels: dict[str, str], language: str, fallback: str) -> str:
    """A questionnaire label in ``language``, else Korean, else English, else ``fallback`` (the code)."""
    return labels.get(language) or labels.get("ko") or labels.get("en") or fallback


def _rating(item: Item, language: str) -> forms.TypedChoiceField:
    lo, hi = int(item.scale[0]), int(item.scale[1])
    return forms.TypedChoiceField(
        label=label_text(item.label, language, item.code),
        choices=[(v, str(v)) for v in range(lo, hi + 1)],
        coerce=int, empty_value=None, required=False,  # a skipped question is a missing answer
        widget=forms.RadioSelect(attrs={"class": "rating"}),
    )


class SurveyResponseForm(forms.Form):
    """Fields are named by item code (``A11``), competitor ratings by prefix + code, comments
    ``comment_<element>`` and ``comment_overall``. ``groups`` lays them out by element."""

    def __init__(self, *args, questionnaire: Questionnaire, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.groups: list[dict] = []
        for element in questionnaire.elements:
            codes = [item.code for item in element.items]
            for item in element.items:
                self.fields[item.code] = _rating(item, language)
            comment = f"comment_{element.code}"
            self.fields[comment] = forms.CharField(
                label=_("Anything to add about this?"), required=False, max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.groups.append({"title": label_text(element.label, language, element.code), "fields": codes,
                                "comment": comment})
        closing = [questionnaire.overall] + [i for i in (questionnaire.retention, questionnaire.recommend) if i]
        for item in closing:
            self.fields[item.code] = _rating(item, language)
        self.fields["comment_overall"] = forms.CharField(
            label=_("Your comments"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.groups.append({"title": _("Overall"), "fields": [i.code for i in closing], "comment": "comment_overall"})
        self.competitor_fields: list[str] = []
        if questionnaire.competitor_prefix:
            self.fields["competitor_name"] = forms.CharField(
                label=_("Which other shop do you also use?"), required=False, max_length=80)
            for item in questionnaire.competitor_items():
                self.fields[item.code] = _rating(item, language)
                self.competitor_fields.append(item.code)

    def layout(self) -> list[dict]:
        """Bound fields by group, for the template (which cannot index a form by a variable)."""
        return [{"title": g["title"], "fields": [self[c] for c in g["fields"]], "comment": self[g["comment"]]}
                for g in self.groups]

    def competitor_layout(self) -> list:
        return [self[c] for c in self.competitor_fields]

    def answers(self) -> dict[str, int]:
        rated = [i.code for i in self.questionnaire.items] + self.competitor_fields
        return {code: self.cleaned_data[code] for code in rated if self.cleaned_data.get(code) is not None}

    def comments(self) -> dict[str, str]:
        out = {}
        for group in self.groups:
            text = self.cleaned_data.get(group["comment"], "").strip()
            if text:
                out[group["comment"].removeprefix("comment_")] = text
        return out
