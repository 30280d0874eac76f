"""Customer scores per as-of date (RFM, lifecycle, BTYD, CLV, profitability) and the run that made them.

A :class:`ScoreRun` is one computation at an as-of date: the fitted model parameters,
log-likelihoods and settings. Its :class:`CustomerScore` rows hold one customer's numbers
at that date. Recomputing a date replaces its run and rows (``services.scores_compute``).
Scores are scoped by the customer's home branch, like the customer itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ScoreRun(models.Model):
    """One scoring of the customer base at ``as_of`` (company-wide model fit; not personal data)."""

    as_of = models.DateField(_("as of"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    n_customers = models.PositiveIntegerField(_("customers scored"))
    n_buyers = models.PositiveIntegerField(_("customers with purchases"))
    #: {"bgnbd": {"params": {...}, "loglik": .., "n": .., "converged": ..}, "gammagamma": {...}}
    models_fit = models.JSONField(_("fitted models"), default=dict)
    #: time unit, horizon, discount rate, lifecycle thresholds, ...
    settings = models.JSONField(_("settings"), default=dict)
    seconds = models.FloatField(_("seconds"), default=0.0)
    #: The churn classifier of the run (:mod:`cxm.analytics.churn`): ``validation`` (the
    #: time-based holdout, ``ChurnValidation.to_dict()``), ``coefficients`` of the model that
    #: scored the customers, ``p_alive_bands`` (churn seen per BG/NBD P(alive) band on the
    #: holdout), ``horizon_days``, ``fit_cutoff``, ``n_train``, the side data used; or ``skipped``.
    churn = models.JSONField(_("churn model"), default=dict)
    #: The cross-sell rules' fit (:mod:`cxm.analytics.crosssell`): baskets, products, rules, thresholds.
    crosssell = models.JSONField(_("cross-sell rules"), default=dict)

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("score run")
        verbose_name_plural = _("score runs")

    def __str__(self) -> str:
        return f"{self.as_of.isoformat()}"


class Segment(models.TextChoices):
    """The RFM segments of :mod:`cxm.analytics.rfm` (values are the analytics' names)."""

    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL_LOYAL = "potential loyal", _("Potential loyal")
    NEW = "new", pgettext_lazy("RFM segment", "New")
    AT_RISK = "at risk", _("At risk")
    CANT_LOSE = "can't lose", _("Can't lose")
    HIBERNATING = "hibernating", _("Hibernating")
    LOST = "lost", pgettext_lazy("RFM segment", "Lost")


class Stage(models.TextChoices):
    """Lifecycle stages of :mod:`cxm.analytics.lifecycle`."""

    PROSPECT = "prospect", _("Prospect")
    FIRST_TIME = "first-time", _("First-time")
    REPEAT = "repeat", _("Repeat")
    CLIENT = "client", _("Client")
    ADVOCATE = "advocate", _("Advocate")
    INACTIVE = "inactive", _("Inactive")
    LOST = "lost", pgettext_lazy("lifecycle stage", "Lost")


class Profitability(models.TextChoices):
    PROFITABLE = "profitable", _("Profitable")
    BREAK_EVEN = "break-even", _("Break-even")
    LOSING = "losing", _("Losing")


class CustomerScore(models.Model):
    """One customer's scores at a run's as-of date.

    RFM and BTYD numbers are empty for a customer without a purchase by the date (a prospect).
    BTYD numbers follow lifetimes' conventions in **weeks**: ``btyd_frequency`` repeat
    purchases, ``btyd_recency`` first to last purchase, ``btyd_t`` first purchase to the date.
    Money is KRW; CLV is the discounted expected spend over the run's horizon (``clv``) and the
    same times the customer's own margin rate so far (``clv_margin``).
    """

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    as_of = models.DateField(_("as of"))
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="scores")
    # RFM at the date
    recency_days = models.IntegerField(_("recency (days)"), null=True, blank=True)
    frequency = models.IntegerField(_("purchases"), default=0)
    monetary = models.BigIntegerField(_("revenue"), default=0)
    r_score = models.PositiveSmallIntegerField(_("R score"), null=True, blank=True)
    f_score = models.PositiveSmallIntegerField(_("F score"), null=True, blank=True)
    m_score = models.PositiveSmallIntegerField(_("M score"), null=True, blank=True)
    segment = models.CharField(_("RFM segment"), max_length=20, choices=Segment.choices, blank=True)
    stage = models.CharField(_("lifecycle stage"), max_length=12, choices=Stage.choices)
    # BTYD summary (weeks) and predictions
    btyd_frequency = models.FloatField(_("repeat purchases"), null=True, blank=True)
    btyd_recency = models.FloatField(_("recency (weeks)"), null=True, blank=True)
    btyd_t = models.FloatField(_("age (weeks)"), null=True, blank=True)
    monetary_value = models.FloatField(_("mean repeat spend"), null=True, blank=True)
    p_alive = models.FloatField(_("P(alive)"), null=True, blank=True)
    expected_purchases = models.FloatField(_("expected purchases (12 months)"), null=True, blank=True)
    expected_spend = models.FloatField(_("expected spend per purchase"), null=True, blank=True)
    clv = models.BigIntegerField(_("CLV"), null=True, blank=True)
    clv_margin = models.BigIntegerField(_("CLV (margin)"), null=True, blank=True)
    # profitability up to the date
    cost = models.BigIntegerField(_("cost"), default=0)
    margin = models.BigIntegerField(_("margin"), default=0)
    profitability = models.CharField(_("profitability"), max_length=12, choices=Profitability.choices, blank=True)
    # behavioural churn risk: P(no purchase in the run's churn horizon) and the features pushing it up most
    churn_probability = models.FloatField(_("churn risk"), null=True, blank=True)
    churn_drivers = models.CharField(_("churn drivers"), max_length=120, blank=True, default="")

    # Scores follow the customer's current home branch: the access rule of the customer itself.
    scope_field = "customer__home_unit"

    class Meta:
        ordering = ["as_of", "customer_id"]
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        constraints = [models.UniqueConstraint(fields=["as_of", "customer"], name="crm_score_one_per_date")]
        indexes = [
            models.Index(fields=["customer", "as_of"], name="crm_score_customer_date"),
            models.Index(fields=["run", "segment"], name="crm_score_run_segment"),
            models.Index(fields=["run", "churn_probability"], name="crm_score_run_churn"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.as_of}"


class CrossSellRule(models.Model):
    """A "bought next" rule ``antecedent -> consequent`` fitted at a run (the cached fit of the run).

    Counts of customers only, fitted company-wide and kept only from ``min_count`` customers up
    (:attr:`ScoreRun.crosssell`): no customer, branch or transaction is identifiable from a rule,
    so rules are not scoped. Which products a customer owns is read through the access rules.
    """

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="rules")
    antecedent = models.ForeignKey("customers.Product", verbose_name=_("bought first"), on_delete=models.CASCADE,
                                   related_name="+")
    consequent = models.ForeignKey("customers.Product", verbose_name=_("bought next"), on_delete=models.CASCADE,
                                   related_name="+")
    count = models.PositiveIntegerField(_("customers"))
    antecedent_count = models.PositiveIntegerField(_("customers with the first product"))
    consequent_count = models.PositiveIntegerField(_("customers with the next product"))
    support = models.FloatField(_("support"))
    confidence = models.FloatField(_("confidence"))
    lift = models.FloatField(_("lift"))

    class Meta:
        ordering = ["-lift", "-confidence", "-count"]
        verbose_name = _("cross-sell rule")
        verbose_name_plural = _("cross-sell rules")
        constraints = [models.UniqueConstraint(fields=["run", "antecedent", "consequent"], name="crm_rule_one_per_pair")]
        indexes = [models.Index(fields=["run", "antecedent"], name="crm_rule_run_antecedent")]

    def __str__(self) -> str:
        return f"{self.antecedent_id} -> {self.consequent_id} @ {self.run_id}"
