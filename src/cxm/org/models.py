"""Organisation: the org-unit tree, periods, users with roles and scopes, departments, employees."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def active_language() -> str:
    """The active language as a two-letter code (``ko`` when none is active)."""
    return (get_language() or "ko")[:2]


def localized(ko: str, en: str) -> str:
    """The text for the active language: ``en`` in English, else ``ko``; either when the other is blank.

    Korean is the source language of the data, so it is the fallback.
    """
    return (en if active_language() == "en" else ko) or ko or en


class LocalizedNameMixin:
    """``name`` in the active language, falling back to Korean (the source language of the data)."""

    name_ko: str
    name_en: str

    @property
    def name(self) -> str:
        return localized(self.name_ko, self.name_en)


class OrgUnit(LocalizedNameMixin, models.Model):
    """A node of the company tree: company -> region -> branch/store -> team.

    ``path`` is the materialised path of codes (``HQ/SEOUL/B01/``) so that a subtree is one
    indexed prefix query, on SQLite and PostgreSQL alike.
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        REGION = "region", _("Region")
        BRANCH = "branch", _("Branch")
        TEAM = "team", _("Team")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=400, db_index=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if "/" in self.code:
            raise ValidationError({"code": _("A code cannot contain “/”.")})
        if self.pk and self.parent_id and self.parent.path.startswith(self._stored_path() or "\n"):
            raise ValidationError({"parent": _("A unit cannot be moved under itself.")})

    def _stored_path(self) -> str | None:
        return OrgUnit.objects.filter(pk=self.pk).values_list("path", flat=True).first() if self.pk else None

    def save(self, *args, **kwargs) -> None:
        """Save, and when the code or parent changed, rewrite the paths of the whole subtree."""
        if "/" in self.code:
            raise ValueError(f"org unit code {self.code!r} contains '/'")
        with transaction.atomic():
            old = self._stored_path()
            self.path = (self.parent.path if self.parent_id else "") + self.code + "/"
            if old and self.path != old and self.path.startswith(old):
                raise ValueError(f"org unit {self.code!r} cannot be moved under itself")
            super().save(*args, **kwargs)
            if old and self.path != old:
                OrgUnit.objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old) + 1))
                )

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Period(models.Model):
    """A reporting period: a month, a quarter, a year or a survey wave (dates inclusive)."""

    class Kind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")
        WAVE = "wave", _("Survey wave")

    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    label_ko = models.CharField(max_length=80, blank=True)
    label_en = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["kind", "start"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="period_end_after_start")]

    def __str__(self) -> str:
        lang = (get_language() or "ko")[:2]
        return (self.label_en if lang == "en" else self.label_ko) or self.code


class User(AbstractUser):
    """A person who signs in. The role says what they may do, ``org_units`` where."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        CS_MANAGER = "cs_manager", _("CS manager")
        ANALYST = "analyst", _("Analyst")
        AGENT = "agent", _("Agent")
        BRANCH_MANAGER = "branch_manager", _("Branch manager")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    org_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("org units"), blank=True, related_name="users",
        help_text=_("The units (with everything below them) this user works in."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """Korean names read family name first with no space (박수진); others "First Last"."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\uac00" <= ch <= "\ud7a3" for ch in first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 of the key is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Department(LocalizedNameMixin, models.Model):
    """A department of the company (CS team, logistics, sales...); internal surveys rate these."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="departments")

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    """An employee: the people behind ESI/ICSI/COI surveys and case ownership."""

    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=80)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="employees")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="employees")
    position = models.CharField(_("position"), max_length=60, blank=True)
    hired_on = models.DateField(_("hired on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="employee")

    scope_field = "org_unit"

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"
