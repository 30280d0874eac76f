"""Forms of the customer analytics pages (GET filters; the compute form is a POST with CSRF)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Profitability, Segment, Stage

P_ALIVE_BANDS = (
    ("", _("Any P(alive)")),
    ("high", _("Likely active (P(alive) ≥ 0.7)")),
    ("mid", _("Uncertain (0.3 – 0.7)")),
    ("low", _("Likely gone (P(alive) < 0.3)")),
)
BAND_LIMITS = {"high": (0.7, None), "mid": (0.3, 0.7), "low": (None, 0.3)}
CHURN_BANDS = (
    ("", _("Any churn risk")),
    ("high", _("High churn risk (≥ 0.6)")),
    ("mid", _("Medium churn risk (0.3 – 0.6)")),
    ("low", _("Low churn risk (< 0.3)")),
)
CHURN_LIMITS = {"high": (0.6, None), "mid": (0.3, 0.6), "low": (None, 0.3)}
ORDERS = (
    ("customer_no", _("Customer number")),
    ("-clv", _("CLV, highest first")),
    ("-p_alive", _("P(alive), highest first")),
    ("p_alive", _("P(alive), lowest first")),
    ("-monetary", _("Revenue, highest first")),
    ("-churn_probability", _("Churn risk, highest first")),
    ("churn_probability", _("Churn risk, lowest first")),
)


class ScoreFilterForm(forms.Form):
    """Filters of the customer list by the stored scores."""

    segment = forms.ChoiceField(label=_("RFM segment"), required=False,
                                choices=[("", _("All segments")), *Segment.choices])
    stage = forms.ChoiceField(label=_("Lifecycle stage"), required=False, choices=[("", _("All stages")), *Stage.choices])
    profitability = forms.ChoiceField(label=_("Profitability"), required=False,
                                      choices=[("", _("All classes")), *Profitability.choices])
    alive = forms.ChoiceField(label=_("P(alive)"), required=False, choices=P_ALIVE_BANDS)
    churn = forms.ChoiceField(label=_("Churn risk"), required=False, choices=CHURN_BANDS)
    order = forms.ChoiceField(label=_("Sort by"), required=False, choices=ORDERS)

    def filters(self) -> dict:
        """Keyword arguments for :func:`cxm.crm.selectors.scored_customers` (empty when invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        low, high = BAND_LIMITS.get(data.get("alive") or "", (None, None))
        churn_low, churn_high = CHURN_LIMITS.get(data.get("churn") or "", (None, None))
        return {"segment": data.get("segment") or "", "stage": data.get("stage") or "",
                "profitability": data.get("profitability") or "", "min_p_alive": low, "max_p_alive": high,
                "min_churn": churn_low, "max_churn": churn_high,
                "order": data.get("order") or "customer_no"}


class ComputeForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), input_formats=["%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
