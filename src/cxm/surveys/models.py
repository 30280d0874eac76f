"""The survey store: questionnaires (versioned), waves, public links, invitations, responses.

A response keeps its answers as one JSON object ``{item code: number}`` (and comments as
``{element code or "overall": text}``): a wave is read as a wide frame, one row per
respondent, which is what the CSI engine (:mod:`cxm.analytics.csi`) takes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cxm.customers.models import Channel, Customer
from cxm.org.models import OrgUnit, Period


class Questionnaire(models.Model):
    """A versioned questionnaire; ``definition`` is the YAML shape of :mod:`cxm.analytics.questionnaire`."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def title(self) -> str:
        return (self.title_en if (get_language() or "ko")[:2] == "en" else self.title_ko) or self.title_ko

    def parsed(self):
        """The validated questionnaire (:class:`cxm.analytics.questionnaire.Questionnaire`).

        Parsed once per instance: a page asks for it several times (a definition is never
        edited in place on a loaded instance; an edit saves a new version or a new load).
        """
        cached = self.__dict__.get("_parsed")
        if cached is None or cached[0] is not self.definition:
            from cxm.analytics.questionnaire import parse_questionnaire

            cached = self.__dict__["_parsed"] = (self.definition, parse_questionnaire(self.definition))
        return cached[1]


class Wave(models.Model):
    """One round of a survey (e.g. 2026 Q1) with the questionnaire it uses."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT,
                                      related_name="waves")
    period = models.ForeignKey(Period, verbose_name=_("period"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="waves")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    anonymous = models.BooleanField(
        _("anonymous"), default=False,
        help_text=_("Answers are never linked to a customer or a person (employee surveys)."),
    )

    class Meta:
        ordering = ["opens_on", "code"]
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                              name="wave_closes_after_opening")]

    def __str__(self) -> str:
        return str(self.period) if self.period_id else self.code


class SurveyLink(models.Model):
    """The public link of a wave for one branch: anyone with it may answer, without an account."""

    wave = models.ForeignKey(Wave, verbose_name=_("survey wave"), on_delete=models.CASCADE, related_name="links")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT,
                                 related_name="survey_links")
    token = models.CharField(max_length=43, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_field = "org_unit"

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        constraints = [models.UniqueConstraint(fields=["wave", "org_unit"], name="one_link_per_wave_and_unit")]

    def __str__(self) -> str:
        return f"{self.wave} · {self.org_unit}"


class Invitation(models.Model):
    """A personal invitation: its token admits exactly one response."""

    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="invitations")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="survey_invitations")
    token = models.CharField(max_length=43, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.link} · {self.token[:6]}…"


class Response(models.Model):
    """One respondent's answers to a wave, for the branch that served them.

    ``customer`` is set only when the respondent is known and the wave is not anonymous.
    """

    wave = models.ForeignKey(Wave, verbose_name=_("survey wave"), on_delete=models.PROTECT, related_name="responses")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("branch"), on_delete=models.PROTECT,
                                 related_name="survey_responses")
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="survey_responses")
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="survey_responses")
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="response")
    segment = models.CharField(_("segment"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ko")
    submitted_at = models.DateTimeField(_("submitted at"))
    answers = models.JSONField(_("answers"), default=dict)
    comments = models.JSONField(_("comments"), default=dict, blank=True)
    competitor_name = models.CharField(_("competitor"), max_length=80, blank=True)

    scope_field = "org_unit"

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["wave", "org_unit"], name="response_wave_unit")]

    def __str__(self) -> str:
        return f"{self.wave} · {self.org_unit} · {self.submitted_at:%Y-%m-%d}"
