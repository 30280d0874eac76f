"""Template context for the application shell: navigation per role and the top-bar pickers."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cxm.org.access import can_administer, can_import, can_view_personal_data

from .scope import current_scope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    icon: str
    active: bool = False


# (key, label, url name, icon). Only sections that exist are listed: no dead links.
_SECTIONS = (
    ("dashboard", _("Dashboard"), "web:dashboard", "dashboard"),
    ("customers", _("Customers"), "web:customer_list", "customers"),
    ("transactions", _("Transactions"), "web:transaction_list", "transactions"),
    ("csi", _("Satisfaction (CSI)"), "survey_results:csi", "csi"),
    ("cases", _("Cases"), "voc:inbox", "cases"),
)


def nav_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match is not None else ""
    current = {"web:customer_detail": "web:customer_list",
               "voc:detail": "voc:inbox", "voc:create": "voc:inbox"}.get(current, current)
    items = [
        NavItem(key, label, reverse(url), icon, active=url == current)
        for key, label, url, icon in _SECTIONS
    ]
    if can_import(user):
        items.append(NavItem("import", _("Import"), reverse("web:import_file"), "import",
                             active=current == "web:import_file"))
    if can_administer(user):
        items.append(NavItem("admin", _("Administration"), reverse("admin:index"), "admin"))
    return items


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
