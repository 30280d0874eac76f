"""Mystery shopping store: checklists (sections, items) and the visits scored against them.

A visit keeps its answers as one JSON object ``{item code: number or null}`` (null = not
applicable), so that one audit entry shows the whole change of a visit, and a period's
visits are read as one long frame for :mod:`cxm.analytics.mystery`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cxm.org.models import OrgUnit, Period, localized


class Checklist(models.Model):
    """A versioned mystery-shopping checklist (점검표); importing the same code makes a new version."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    default_scale_min = models.IntegerField(_("default scale minimum"), default=1)
    default_scale_max = models.IntegerField(_("default scale maximum"), default=5)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("mystery shopping checklist")
        verbose_name_plural = _("mystery shopping checklists")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def title(self) -> str:
        return localized(self.title_ko, self.title_en)

    def parsed(self):
        """The checklist as :class:`cxm.analytics.mystery.Checklist` (from the rows, so admin edits count)."""
        from cxm.analytics.mystery import parse_checklist

        return parse_checklist(self.definition())

    def definition(self) -> dict:
        """The YAML shape of :mod:`cxm.analytics.mystery` (what export writes and import reads)."""
        sections = []
        for section in self.sections.prefetch_related("items"):
            items = []
            for item in section.items.all():
                row: dict = {"code": item.code, "text": {"ko": item.text_ko, "en": item.text_en}}
                if item.kind == ChecklistItem.Kind.SCALE:
                    row["type"] = "scale"
                    row["scale"] = [item.scale_min, item.scale_max]
                if item.weight != 1:
                    row["weight"] = int(item.weight) if float(item.weight).is_integer() else item.weight
                if item.allows_na:
                    row["na"] = True
                items.append(row)
            sections.append({"code": section.code, "title": {"ko": section.title_ko, "en": section.title_en},
                             "items": items})
        return {"code": self.code, "title": {"ko": self.title_ko, "en": self.title_en},
                "scale": [self.default_scale_min, self.default_scale_max], "sections": sections}


class ChecklistSection(models.Model):
    """A part of the checklist (greeting, appearance, checkout ...); scores are shown per section."""

    checklist = models.ForeignKey(Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE,
                                  related_name="sections")
    code = models.CharField(_("code"), max_length=20)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["checklist", "order", "id"]
        verbose_name = _("checklist section")
        verbose_name_plural = _("checklist sections")
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="section_code_per_checklist")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return localized(self.title_ko, self.title_en)


class ChecklistItem(models.Model):
    """One checkpoint: answered yes/no or on a scale, with a weight and optionally "not applicable"."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no")
        SCALE = "scale", _("Scale")

    section = models.ForeignKey(ChecklistSection, verbose_name=_("section"), on_delete=models.CASCADE,
                                related_name="items")
    code = models.CharField(_("code"), max_length=20)
    text_ko = models.CharField(_("text (Korean)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300, blank=True)
    kind = models.CharField(_("answer type"), max_length=10, choices=Kind.choices, default=Kind.YES_NO)
    scale_min = models.IntegerField(_("scale minimum"), default=1)
    scale_max = models.IntegerField(_("scale maximum"), default=5)
    weight = models.FloatField(_("weight"), default=1.0)
    allows_na = models.BooleanField(_("may be not applicable"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["section__order", "order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="item_code_per_section"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="item_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def text(self) -> str:
        return localized(self.text_ko, self.text_en)

    def clean(self) -> None:
        if self.kind == self.Kind.SCALE and self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": _("The maximum must be above the minimum.")})
        if self.weight is not None and self.weight <= 0:
            raise ValidationError({"weight": _("The weight must be above 0.")})
        if self.section_id and ChecklistItem.objects.filter(section__checklist_id=self.section.checklist_id,
                                                            code=self.code).exclude(pk=self.pk).exists():
            raise ValidationError({"code": _("This code is already used in the checklist.")})


class Visit(models.Model):
    """One mystery shopper's visit to a branch, with the answers to the checklist."""

    checklist = models.ForeignKey(Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT,
                                  related_name="visits")
    branch = models.ForeignKey(OrgUnit, verbose_name=_("branch"), on_delete=models.PROTECT,
                               related_name="mystery_visits")
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT,
                               related_name="mystery_visits")
    visited_on = models.DateField(_("visit date"))
    shopper_name = models.CharField(_("shopper"), max_length=80)
    agency = models.CharField(_("agency"), max_length=120, blank=True)
    answers = models.JSONField(_("answers"), default=dict)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_field = "branch"

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("mystery shopping visit")
        verbose_name_plural = _("mystery shopping visits")
        indexes = [models.Index(fields=["period", "branch"], name="visit_period_branch")]

    def __str__(self) -> str:
        return f"{self.branch} · {self.visited_on:%Y-%m-%d} · {self.shopper_name}"
