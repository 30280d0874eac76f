"""Cases (VOC): complaints, claims, inquiries, suggestions and praise, with their workflow and SLA."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
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
    # Where the case waits while nobody owns it: an assignment rule may send it to the queue of
    # the case's unit or one of its ancestors (null: the queue of the case's own unit).
    queue = models.ForeignKey(OrgUnit, verbose_name=_("queue"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="queued_cases")
    # Who filed a case without a customer record and how to reach them (the public form's
    # optional name and contact): personal data, masked for analysts and never text-mined.
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact = models.CharField(_("contact"), max_length=120, blank=True)
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
        RULE = "rule", _("Assignment rule")
        ATTACHMENT = "attachment", _("File attached")
        FOLLOW_UP = "follow_up", _("Follow-up survey")

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


class AssignmentRule(models.Model):
    """Who gets a new case of a category (and its subcategories) in a unit (and its subtree).

    Precedence when several rules match (:func:`cxm.voc.assignment.matching_rules`): the
    deepest category first, then the deepest unit, then the higher ``priority``, then the
    older rule. A rule without a category or unit matches any (and is the least specific).
    A rule names either an assignee, who must be able to see the case's unit (else the rule
    is skipped), or a queue: the case stays unowned in that unit's queue, which must be the
    case's unit or one of its ancestors (else skipped).
    """

    name = models.CharField(_("name"), max_length=120)
    category = models.ForeignKey(CaseCategory, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="assignment_rules",
                                 help_text=_("Empty: any category. A category includes its subcategories."))
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="assignment_rules",
                                 help_text=_("Empty: any unit. A unit includes its subtree."))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="assignment_rules")
    queue = models.ForeignKey(OrgUnit, verbose_name=_("queue"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="queue_rules",
                              help_text=_("Instead of an assignee: leave the case unowned in this unit's queue."))
    priority = models.IntegerField(_("priority"), default=0, help_text=_("Among equally specific rules, the higher wins."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        constraints = [models.CheckConstraint(
            condition=(models.Q(assignee__isnull=False, queue__isnull=True)
                       | models.Q(assignee__isnull=True, queue__isnull=False)),
            name="rule_assignee_xor_queue")]

    def __str__(self) -> str:
        return self.name


class PrivateCaseFileStorage(FileSystemStorage):
    """Case files under ``<data dir>/media/``: never served by URL, only through the case's view.

    The location follows ``settings.DATA_DIR`` at run time (tests point it at a temporary
    directory); :meth:`url` refuses, so no template can link a file around the scope check.
    """

    @property
    def base_location(self):  # type: ignore[override]
        return os.fspath(Path(settings.DATA_DIR) / "media")

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("case files are served only through the case's download view")


case_file_storage = PrivateCaseFileStorage()


def _case_file_storage():
    return case_file_storage


class CaseAttachment(models.Model):
    """A file on a case (a photo of the damage, a receipt, ...), uploaded by an agent or the customer."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), storage=_case_file_storage, upload_to="cases/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="case_attachments")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")

    def __str__(self) -> str:
        return f"{self.case_id} {self.original_name}"


class CaseFollowUp(models.Model):
    """A follow-up survey invitation sent after the case was closed; the answer comes back here."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups")
    invitation = models.OneToOneField("surveys.Invitation", verbose_name=_("invitation"), on_delete=models.CASCADE,
                                      related_name="case_follow_up")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    # When the answer was put on the case (once per invitation).
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("case follow-up")
        verbose_name_plural = _("case follow-ups")

    def __str__(self) -> str:
        return f"{self.case_id} {self.sent_at:%Y-%m-%d}"
