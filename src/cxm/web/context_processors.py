"""Template context for the application shell: navigation per role and the top-bar pickers."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cxm.org.access import can_administer, can_administer_surveys, can_import, can_view_personal_data

from .scope import current_scope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    icon: str
    active: bool = False
    group: str = ""


# The loop the product closes, as the menu's groups: customers and what they buy, how
# satisfied they are, what they tell us, and the data behind it all.
_CUSTOMERS, _SATISFACTION, _VOICE, _DATA = (
    _("Customers"), _("Satisfaction"), _("Voice of the customer"), _("Data"))

# (key, label, url name, icon, group, who may see it). Only sections that exist are listed:
# no dead links. A section is current on every page of its URL namespace, except in the
# shell's own "web" namespace, whose pages are mapped in _CURRENT.
_SECTIONS = (
    ("dashboard", _("Dashboard"), "web:dashboard", "dashboard", "", None),
    ("customers", _("Customers"), "web:customer_list", "customers", _CUSTOMERS, None),
    ("transactions", _("Transactions"), "web:transaction_list", "transactions", _CUSTOMERS, None),
    ("crm", _("Customer analytics"), "crm:rfm", "crm", _CUSTOMERS, None),
    ("csi", _("Satisfaction (CSI)"), "survey_results:csi", "csi", _SATISFACTION, None),
    ("models", _("Index models"), "pathmodels:fit", "model", _SATISFACTION, None),
    ("mystery", _("Mystery shopping"), "mystery:results", "mystery", _SATISFACTION, None),
    ("questionnaires", _("Questionnaires"), "survey_manage:questionnaires", "questionnaire", _SATISFACTION,
     can_administer_surveys),
    ("cases", _("Cases"), "voc:inbox", "cases", _VOICE, None),
    ("case_metrics", _("Case metrics"), "voc_insights:metrics", "metrics", _VOICE, None),
    ("text_mining", _("Text mining"), "voc_insights:text", "text", _VOICE, None),
    ("import", _("Import"), "web:import_file", "import", _DATA, can_import),
    ("admin", _("Administration"), "admin:index", "admin", _DATA, can_administer),
)

_CURRENT = {"web:customer_detail": "web:customer_list", "survey_manage:response_import": "web:import_file"}


def _current_section(current: str) -> str | None:
    """The url name of the section the page ``current`` belongs to."""
    current = _CURRENT.get(current, current)
    urls = [url for _key, _label, url, *_rest in _SECTIONS]
    if current in urls:
        return current
    namespace = current.partition(":")[0]
    if namespace in ("web", "admin"):
        return None
    return next((url for url in urls if url.partition(":")[0] == namespace), None)


def nav_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    section = _current_section(f"{match.namespace}:{match.url_name}") if match is not None else None
    return [
        NavItem(key, label, reverse(url), icon, active=url == section, group=group)
        for key, label, url, icon, group, allowed in _SECTIONS
        if allowed is None or allowed(user)
    ]


def shell(request: HttpRequest) -> dict:
    """Nav items for the user's role, the unit/period pickers and the current choices."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = current_scope(request)
    return {
        "nav_items": nav_items(request),
        "scope": scope,
        "shows_personal_data": can_view_personal_data(user),
    }
