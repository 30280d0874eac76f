"""Cases filed by customers without an account (the public web form)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cxm.core.exceptions import ApplicationError
from cxm.org.models import OrgUnit

from .models import Case
from .services import case_open

#: Kinds a customer may file through the public form.
PUBLIC_KINDS = (Case.Kind.COMPLAINT, Case.Kind.INQUIRY, Case.Kind.SUGGESTION, Case.Kind.PRAISE)


def public_branches() -> QuerySet[OrgUnit]:
    """The branches a customer can choose on the public form."""
    return OrgUnit.objects.filter(kind="branch").order_by("code")


@transaction.atomic
def case_create_public(*, branch: OrgUnit, kind: str, subject: str, description: str = "",
                       name: str = "", contact: str = "", upload=None) -> Case:
    """Open a case filed on the public web form (channel "web", no customer, no acting user).

    The optional name and contact are kept in their own fields (``contact_name``, ``contact``)
    so the agent can reply and the follow-up survey can be sent; they are never linked to a
    customer record automatically (anyone can type a name), and being personal data they stay
    out of the description (analysts see them masked; text mining never reads them). An
    optional file (``upload``) is checked before anything is written: a refused file files no case.
    """
    from .attachments import check_upload

    if branch.kind != "branch":
        raise ApplicationError(_("Choose a branch."))
    if kind not in PUBLIC_KINDS:
        raise ApplicationError(_("Choose the type of your request."))
    if not subject.strip():
        raise ApplicationError(_("Write a subject."))
    if upload is not None:
        check_upload(upload)
    opened_at = timezone.now()
    return case_open(kind=kind, channel=Case.Channel.WEB, org_unit=branch, subject=subject.strip(),
                     description=description.strip(), severity=Case.Severity.MEDIUM, contact_name=name.strip()[:120],
                     contact=contact.strip()[:120], opened_at=opened_at, event_at=opened_at, upload=upload)
