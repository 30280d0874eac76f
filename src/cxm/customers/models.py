"""The customer base: customers, products, channels, transactions with lines."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cxm.org.models import LocalizedNameMixin, OrgUnit


class Customer(models.Model):
    """A person or a company that buys. ``home_unit`` is the branch that serves them (scope)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    class Gender(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        UNKNOWN = "", _("Unknown")

    customer_no = models.CharField(_("customer number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True, default="")
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    home_unit = models.ForeignKey(OrgUnit, verbose_name=_("home branch"), on_delete=models.PROTECT, related_name="customers")
    segment = models.CharField(_("segment"), max_length=40, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    consent_marketing = models.BooleanField(_("marketing consent"), default=False)
    consent_email = models.BooleanField(_("e-mail consent"), default=False)
    consent_sms = models.BooleanField(_("SMS consent"), default=False)
    joined_on = models.DateField(_("joined on"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_field = "home_unit"

    class Meta:
        ordering = ["customer_no"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_no})"


class Product(LocalizedNameMixin, models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    unit_price = models.BigIntegerField(_("unit price"))
    unit_cost = models.BigIntegerField(_("unit cost"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class Channel(LocalizedNameMixin, models.Model):
    class Kind(models.TextChoices):
        STORE = "store", _("Store")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("Phone")
        APP = "app", _("Mobile app")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.name


class Transaction(models.Model):
    """An order. Money is an integer in the currency's minor unit (KRW has none)."""

    txn_no = models.CharField(_("transaction number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="transactions", db_index=False,
    )
    # The composite indexes below lead with these columns, so single-column ones would be
    # redundant (and slow the load of ten million rows).
    branch = models.ForeignKey(
        OrgUnit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="transactions", db_index=False
    )
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="transactions")
    occurred_on = models.DateField(_("date"))
    amount = models.BigIntegerField(_("amount"))
    cost = models.BigIntegerField(_("cost"))
    delivery_days = models.PositiveSmallIntegerField(_("delivery days"), null=True, blank=True)

    scope_field = "branch"

    class Meta:
        ordering = ["-occurred_on", "txn_no"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        indexes = [
            models.Index(fields=["branch", "occurred_on"], name="txn_branch_date"),
            models.Index(fields=["customer", "occurred_on"], name="txn_customer_date"),
        ]

    def __str__(self) -> str:
        return self.txn_no

    @property
    def margin(self) -> int:
        return self.amount - self.cost


class TransactionLine(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="lines")
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.BigIntegerField(_("amount"))
    cost = models.BigIntegerField(_("cost"))

    class Meta:
        verbose_name = _("transaction line")
        verbose_name_plural = _("transaction lines")
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.transaction_id}: {self.product_id} x {self.quantity}"
