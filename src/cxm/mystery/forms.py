"""The visit entry form: where and when, who shopped, and one answer per checklist item."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cxm.org.models import Period

from .models import Checklist, ChecklistItem

NA = "na"


def item_field_name(code: str) -> str:
    return f"item_{code}"


class VisitForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None)
    visited_on = forms.DateField(label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period = forms.ModelChoiceField(label=_("Period"), queryset=None, required=False,
                                    help_text=_("Leave empty for the quarter of the visit date."))
    shopper_name = forms.CharField(label=_("Shopper"), max_length=80)
    agency = forms.CharField(label=_("Agency"), max_length=120, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, checklist: Checklist, branches, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        self.fields["branch"].queryset = branches
        self.fields["period"].queryset = periods
        self.item_sections: list[tuple[object, list[str]]] = []
        for section in checklist.sections.prefetch_related("items"):
            names = []
            for item in section.items.all():
                if item.kind == ChecklistItem.Kind.SCALE:
                    choices = [(str(v), str(v)) for v in range(item.scale_min, item.scale_max + 1)]
                else:
                    choices = [("1", _("Yes")), ("0", _("No"))]
                if item.allows_na:
                    choices.append((NA, _("N/A")))
                name = item_field_name(item.code)
                self.fields[name] = forms.ChoiceField(label=f"{item.code} {item.text}", choices=choices,
                                                      widget=forms.RadioSelect(attrs={"class": "choice-row"}))
                self.fields[name].item = item
                names.append(name)
            self.item_sections.append((section, names))

    def sections(self):
        """(section, bound item fields) pairs, in checklist order, for the template."""
        return [(section, [self[name] for name in names]) for section, names in self.item_sections]

    def base_fields_bound(self):
        return [self[name] for name in ("branch", "visited_on", "period", "shopper_name", "agency")]

    def clean(self):
        data = super().clean()
        day = data.get("visited_on")
        period = data.get("period")
        if day is not None and period is None:
            period = (Period.objects.filter(kind=Period.Kind.QUARTER, start__lte=day, end__gte=day)
                      .order_by("start").first())
            if period is None:
                self.add_error("period", _("There is no quarter for this date: pick a period."))
            data["period"] = period
        elif day is not None and not period.start <= day <= period.end:
            self.add_error("visited_on", _("The visit date is outside the period %(period)s.") % {"period": str(period)})
        return data

    def answers(self) -> dict[str, float | None]:
        """``{item code: value or None}`` from the cleaned data."""
        out: dict[str, float | None] = {}
        for _section, names in self.item_sections:
            for name in names:
                raw = self.cleaned_data[name]
                out[self.fields[name].item.code] = None if raw == NA else float(raw)
        return out

    @staticmethod
    def initial_for(visit) -> dict:
        initial = {"branch": visit.branch_id, "visited_on": visit.visited_on, "period": visit.period_id,
                   "shopper_name": visit.shopper_name, "agency": visit.agency, "notes": visit.notes}
        for code, value in visit.answers.items():
            initial[item_field_name(code)] = NA if value is None else str(int(value) if float(value).is_integer()
                                                                          else value)
        return initial
