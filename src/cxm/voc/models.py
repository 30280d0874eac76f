"""Cases (VOC): complaints, claims, inquiries, suggestions and praise, with their workflow and SLA."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cxm.customers.models import Customer
from cxm.org.models import LocalizedNameMixin, OrgUnit


class CaseCategory(LocalizedNameMixin, models.Model):
    """A node of the editable category tree (product, service, delivery, after-sales, ...)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A day without business hours (public holidays; company closing days)."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=80, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class Case(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint / claim")
        INQUIRY = "inquiry", _("Inquiry")
        SUGGESTION = "suggestion", _("Suggestion")
        PRAISE = "praise", _("Praise")

    class Channel(models.TextChoices):
        CALL_CENTRE = "call_centre", _("Call centre")
        WEB = "web", _("Web")
        STORE = "store", _("Store")
        SURVEY = "survey", _("Survey")
        SOCIAL = "social", _("Social media")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class RootCause(models.TextChoices):
        PEOPLE = "people", _("People")
        PROCEDURE = "procedure", _("Procedure")
        FACILITIES = "facilities", _("Facilities / environment")

    class Verdict(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        NEUTRAL = "neutral", _("Neutral")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    number = models.CharField(_("case number"), max_length=20, unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="cases")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="cases")
    category = models.ForeignKey(CaseCategory, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="cases")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="owned_cases")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    root_cause = models.CharField(_("root cause"), max_length=12, choices=RootCause.choices, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    verdict = models.CharField(_("customer's verdict"), max_length=12, choices=Verdict.choices, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # First-contact resolution: settled during the contact that opened it (no hand-over,
    # no call-back). Set by the agent when resolving; feeds the FCR rate.
    first_contact_resolution = models.BooleanField(_("resolved at first contact"), default=False)
    # The closed loop: the survey answer that opened this case (one case per answer at most).
    survey_response = models.OneToOneField("surveys.Response", verbose_name=_("survey answer"), null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="case")
    # Optimistic locking: every save through the services bumps it; a stale edit is refused.
    version = models.PositiveIntegerField(default=1)

    scope_field = "org_unit"

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["org_unit", "status"], name="case_unit_status"),
                   models.Index(fields=["customer", "opened_at"], name="case_customer_opened")]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class CaseEvent(models.Model):
    """The timeline of a case: every transition and note, with who and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        TRANSITION = "transition", _("Status changed")
        NOTE = "note", _("Internal note")
        ASSIGNED = "assigned", _("Assigned")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField()
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class SlaPolicy(models.Model):
    """How many business hours a case of a kind and severity may take to resolve."""

    kind = models.CharField(_("type"), max_length=12, choices=Case.Kind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Case.Severity.choices)
    business_hours = models.PositiveIntegerField(_("business hours to resolve"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [models.UniqueConstraint(fields=["kind", "severity"], name="one_sla_per_kind_severity")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} / {self.get_severity_display()}: {self.business_hours} h"
