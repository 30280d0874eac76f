"""Write use cases of the customer base. Each checks scope, validates, and is audited."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cxm.core.audit import acting_as
from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.org.access import can_view_personal_data, restrict
from cxm.org.models import OrgUnit

from .models import Customer

EDITABLE_FIELDS = frozenset({
    "name", "kind", "email", "phone", "gender", "birth_year", "home_unit", "segment", "attributes",
    "consent_marketing", "consent_email", "consent_sms", "joined_on",
})


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")


def _check_writer(user) -> None:
    # Writing customers needs personal-data rights: analysts read masked data only.
    if not can_view_personal_data(user):
        raise AccessDenied(_("Your role may not change customers."))


def _check_unit(user, unit: OrgUnit) -> None:
    if not restrict(OrgUnit.objects.filter(pk=unit.pk), user).exists():
        raise AccessDenied(_("Org unit not found."))


def _check_customer(user, customer: Customer) -> None:
    _check_writer(user)
    if not restrict(Customer.objects.filter(pk=customer.pk), user).exists():
        raise AccessDenied(_("Customer not found."))


@transaction.atomic
def customer_create(*, user, customer_no: str, name: str, home_unit: OrgUnit, joined_on: date,
                    **fields: Any) -> Customer:
    """Create a customer in a unit ``user`` may see; the audit log records who and what."""
    _check_writer(user)
    _check_unit(user, home_unit)
    _check_fields(fields)
    customer = Customer(customer_no=customer_no, name=name, home_unit=home_unit, joined_on=joined_on, **fields)
    customer.full_clean()
    with acting_as(user):
        customer.save()
    return customer


@transaction.atomic
def customer_update(*, user, customer: Customer, **fields: Any) -> Customer:
    """Change fields of a customer ``user`` may see (moving them only to a unit it may see)."""
    _check_customer(user, customer)
    _check_fields(fields)
    if "home_unit" in fields:
        _check_unit(user, fields["home_unit"])
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    with acting_as(user):
        customer.save()
    return customer


@transaction.atomic
def customer_delete(*, user, customer: Customer) -> None:
    """Delete a customer without transactions (sales history is kept; erasure is its own use case)."""
    _check_customer(user, customer)
    if customer.transactions.exists():
        raise ApplicationError(_("A customer with transactions cannot be deleted."))
    with acting_as(user):
        customer.delete()
