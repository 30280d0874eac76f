"""Cases filed by customers without an account (the public web form)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cxm.core.exceptions import ApplicationError
from cxm.org.models import OrgUnit

from .models import Case, CaseEvent
from .services import save_numbered, sla_due

#: Kinds a customer may file through the public form.
PUBLIC_KINDS = (Case.Kind.COMPLAINT, Case.Kind.INQUIRY, Case.Kind.SUGGESTION, Case.Kind.PRAISE)


def _header_line(kind: str, value: str) -> str:
    # The lines the form puts at the top of the description (see case_create_public).
    return _("Name: %(name)s") % {"name": value} if kind == "name" else _("Contact: %(contact)s") % {"contact": value}


def public_header_prefixes() -> dict[str, str]:
    """``{prefix: "name"|"contact"}`` of the header lines in every site language ("Name: ", "이름: ", ...):
    a case keeps the header in the language it was filed in."""
    from django.conf import settings
    from django.utils import translation

    prefixes = {}
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            for kind in ("name", "contact"):
                prefixes[_header_line(kind, "")] = kind
    return {p: k for p, k in prefixes.items() if p.strip()}


def public_header_regex() -> str:
    """A (Rust/polars and Python) regex of the form's header at the start of a description:
    its name and contact lines and the blank line after them."""
    specials = set("\\.+*?()|[]{}^$#&-~")
    alternatives = "|".join("".join("\\" + c if c in specials else c for c in p) for p in public_header_prefixes())
    return f"^(?:(?:{alternatives})[^\\n]*(?:\\n|$))+\\n?"


def mask_public_header(description: str, *, personal: bool) -> str:
    """The description as a viewer may read it: for a viewer without personal-data rights
    (analysts), the name and contact the public form put at its top are masked."""
    if personal or not description:
        return description
    from cxm.customers.selectors import mask_name

    lines = description.split("\n")
    prefixes = public_header_prefixes()
    for i, line in enumerate(lines):
        prefix = next((p for p in prefixes if line.startswith(p)), None)
        if prefix is None:
            break  # the header is the first lines only
        value = line[len(prefix):]
        lines[i] = prefix + (mask_name(value) if prefixes[prefix] == "name" else "***")
    return "\n".join(lines)


def public_branches() -> QuerySet[OrgUnit]:
    """The branches a customer can choose on the public form."""
    return OrgUnit.objects.filter(kind="branch").order_by("code")


@transaction.atomic
def case_create_public(*, branch: OrgUnit, kind: str, subject: str, description: str = "",
                       name: str = "", contact: str = "", upload=None) -> Case:
    """Open a case filed on the public web form (channel "web", no customer, no acting user).

    The optional name and contact are kept at the top of the description so the agent can
    reply; they are never linked to a customer record automatically (anyone can type a name).
    The contact is also kept on its own (the follow-up survey goes there). An optional file
    (``upload``) is checked before anything is written: a refused file files no case.
    """
    from .assignment import apply_assignment_rules
    from .attachments import attachment_add, check_upload

    if branch.kind != "branch":
        raise ApplicationError(_("Choose a branch."))
    if kind not in PUBLIC_KINDS:
        raise ApplicationError(_("Choose the type of your request."))
    if not subject.strip():
        raise ApplicationError(_("Write a subject."))
    if upload is not None:
        check_upload(upload)
    header = []
    if name.strip():
        header.append(_header_line("name", name.strip()))
    if contact.strip():
        header.append(_header_line("contact", contact.strip()))
    text = "\n".join(header + ([""] if header else []) + [description.strip()]).strip()
    opened_at = timezone.now()
    case = save_numbered(
        lambda number: Case(number=number, kind=kind, channel=Case.Channel.WEB, org_unit=branch,
                            subject=subject.strip(), description=text, severity=Case.Severity.MEDIUM,
                            contact=contact.strip()[:120],
                            opened_at=opened_at,
                            due_at=sla_due(kind=kind, severity=Case.Severity.MEDIUM, opened_at=opened_at)),
        opened_at=opened_at,
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CREATED, actor=None, at=opened_at,
                             to_status=case.status)
    if upload is not None:
        attachment_add(case=case, upload=upload)
    apply_assignment_rules(case)
    return case
