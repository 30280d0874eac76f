"""Access rules, in one place.

Every page, API endpoint and CLI command that reads scoped rows goes through
:func:`restrict`; nothing else filters by org unit on its own. The rules (domain spec 8):

- administrator and analyst see every unit (the analyst without personal data);
- CS manager, agent and branch manager see the subtrees of the units assigned to them;
- anyone else (anonymous, inactive, no role) sees nothing: the rules fail closed.

A model is scoped by its ``scope_field`` attribute, the name of its foreign key to
``OrgUnit``; ``OrgUnit`` itself is scoped by its own id.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from .models import OrgUnit, User

M = TypeVar("M", bound=Model)

ALL_UNITS_ROLES = frozenset({User.Role.ADMIN, User.Role.ANALYST})
PERSONAL_DATA_ROLES = frozenset({User.Role.ADMIN, User.Role.CS_MANAGER, User.Role.AGENT, User.Role.BRANCH_MANAGER})
#: The unit picker's choice: a unit code, the scope's ``OrgUnit`` (already looked up) or none (all).
PickedUnit = str | OrgUnit | None


def _is_active_user(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.role)


def sees_all_units(user) -> bool:
    return _is_active_user(user) and (user.role in ALL_UNITS_ROLES or user.is_superuser)


def visible_units(user) -> QuerySet[OrgUnit]:
    """The org units ``user`` may see: the subtrees of their assigned units (all for admin/analyst)."""
    if not _is_active_user(user):
        return OrgUnit.objects.none()
    if sees_all_units(user):
        return OrgUnit.objects.all()
    roots = list(user.org_units.values_list("path", flat=True))
    if not roots:
        return OrgUnit.objects.none()
    prefix = Q()
    for path in roots:
        prefix |= Q(path__startswith=path)
    return OrgUnit.objects.filter(prefix)


def restrict(queryset: QuerySet[M], user) -> QuerySet[M]:
    """Narrow ``queryset`` to the rows ``user`` may see.

    Raises ``TypeError`` for a model without a scope, so that a new model cannot be
    listed unscoped by accident.
    """
    model = queryset.model
    if model is OrgUnit:
        field = "id"
    else:
        field = getattr(model, "scope_field", None)
        if field is None:
            raise TypeError(f"{model.__name__} has no scope_field; it cannot be restricted by org unit")
    if not _is_active_user(user):
        return queryset.none()
    if sees_all_units(user):
        return queryset
    return queryset.filter(**{f"{field}__in": visible_units(user).values("id")})


def users_who_see(unit: OrgUnit) -> QuerySet[User]:
    """Active users whose scope includes ``unit``: the all-units roles, and everyone assigned
    to the unit or one of its ancestors (the inverse of :func:`visible_units`, in one query)."""
    parts = unit.path.split("/")[:-1]
    ancestors = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return (User.objects.filter(is_active=True)
            .filter(Q(role__in=ALL_UNITS_ROLES) | Q(is_superuser=True) | Q(org_units__path__in=ancestors))
            .exclude(role="").distinct())


def within_unit(queryset: QuerySet[M], unit: OrgUnit | None) -> QuerySet[M]:
    """Narrow an already restricted ``queryset`` to the subtree of ``unit`` (the unit picker)."""
    if unit is None:
        return queryset
    model = queryset.model
    lookup = "path__startswith" if model is OrgUnit else f"{model.scope_field}__path__startswith"
    return queryset.filter(**{lookup: unit.path})


def within_picked_unit(queryset: QuerySet[M], user, unit: PickedUnit) -> QuerySet[M]:
    """Narrow a restricted ``queryset`` to the picked unit's subtree.

    ``unit`` is the unit's code, looked up among the units the user may see (one the user
    may not see gives nothing, never more), or the ``OrgUnit`` a page's scope holds already
    (:func:`cxm.web.scope.current_scope` picks it from :func:`visible_units`), so that a page
    looks the unit up once. Either way the result stays inside the restricted ``queryset``.
    """
    if not unit:
        return queryset
    if isinstance(unit, OrgUnit):
        return within_unit(queryset, unit)
    picked = restrict(OrgUnit.objects.all(), user).filter(code=unit).first()
    return within_unit(queryset, picked) if picked is not None else queryset.none()


def can_view_personal_data(user) -> bool:
    """Analysts read everything but personal data (names, contacts) stay masked for them."""
    return _is_active_user(user) and (user.is_superuser or user.role in PERSONAL_DATA_ROLES)


def can_import(user) -> bool:
    return _is_active_user(user) and (user.is_superuser or user.role in {User.Role.ADMIN, User.Role.CS_MANAGER})


def can_administer_surveys(user) -> bool:
    """CS managers and administrators maintain the questionnaires (company-wide, not scoped):
    the people who load data."""
    return can_import(user)


def can_administer(user) -> bool:
    """Administrators may use the Django admin site (which also needs ``is_staff``)."""
    return _is_active_user(user) and user.is_staff and (user.role == User.Role.ADMIN or user.is_superuser)
