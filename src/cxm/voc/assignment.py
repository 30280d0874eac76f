"""Assignment rules: who gets a new case, by category and unit (issue 7, "assignment rules").

Precedence, when several active rules match a case (a rule matches when its category is the
case's category or one of its ancestors, and its unit is the case's unit or one of its
ancestors; an empty category or unit matches anything):

1. the deepest category (a rule for "delivery / late" beats one for "delivery", which beats
   a rule for any category);
2. then the deepest unit (a branch's rule beats its region's, which beats the company's);
3. then the higher ``priority``;
4. then the older rule (lower id), so that the order is always total.

The first rule in that order that can be applied wins: a rule whose assignee cannot see the
case's unit (:func:`cxm.org.access.users_who_see`), is inactive, or whose queue is not the
case's unit or an ancestor of it is skipped, and the next one is tried. What was applied (and
what was skipped) goes to the case's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from cxm.core.audit import acting_as
from cxm.org.access import users_who_see

from .models import AssignmentRule, Case, CaseCategory, CaseEvent


def _category_depths(category: CaseCategory | None) -> dict[int, int]:
    """``{category id: depth}`` for the category and its ancestors (root depth 0)."""
    chain: list[int] = []
    seen: set[int] = set()
    node = category
    while node is not None and node.pk not in seen:  # the seen set guards against a cycle made in the admin
        seen.add(node.pk)
        chain.append(node.pk)
        node = node.parent
    return {pk: len(chain) - 1 - i for i, pk in enumerate(chain)}


def matching_rules(case: Case) -> list[AssignmentRule]:
    """The active rules that match ``case``, most specific first (see the module docstring)."""
    categories = _category_depths(case.category)
    unit_path = case.org_unit.path
    candidates = AssignmentRule.objects.filter(is_active=True).select_related("org_unit", "queue", "assignee")
    ranked = []
    for rule in candidates:  # a rule table is small (tens of rows): ranking in Python is fine
        if rule.category_id is not None and rule.category_id not in categories:
            continue
        if rule.org_unit_id is not None and not unit_path.startswith(rule.org_unit.path):
            continue
        category_depth = categories[rule.category_id] if rule.category_id is not None else -1
        unit_depth = rule.org_unit.depth if rule.org_unit_id is not None else -1
        ranked.append(((-category_depth, -unit_depth, -rule.priority, rule.pk), rule))
    ranked.sort(key=lambda pair: pair[0])
    return [rule for _key, rule in ranked]


@dataclass(frozen=True)
class RuleOutcome:
    rule: AssignmentRule | None
    skipped: tuple[tuple[AssignmentRule, str], ...]


def _why_not(rule: AssignmentRule, case: Case) -> str:
    """Empty when ``rule`` can be applied to ``case``; else the reason it is skipped."""
    if rule.assignee_id is not None:
        if not rule.assignee.is_active or not users_who_see(case.org_unit).filter(pk=rule.assignee_id).exists():
            return _("%(user)s cannot see the case's unit") % {"user": rule.assignee.username}
        return ""
    if rule.queue_id is not None and not case.org_unit.path.startswith(rule.queue.path):
        return _("the queue %(unit)s is not above the case's unit") % {"unit": rule.queue.name}
    return ""


def apply_assignment_rules(case: Case, *, actor=None) -> RuleOutcome:
    """Apply the most specific applicable rule to a new ``case`` and record it on the timeline.

    Sets the owner (and the status "assigned") or the queue; saves the case. Returns the rule
    applied (None when no rule applies) and the rules skipped on the way.
    """
    skipped: list[tuple[AssignmentRule, str]] = []
    chosen = None
    for rule in matching_rules(case):
        reason = _why_not(rule, case)
        if reason:
            skipped.append((rule, reason))
            continue
        chosen = rule
        break
    if chosen is None and not skipped:
        return RuleOutcome(None, ())
    previous = case.status
    lines = []
    if chosen is not None:
        if chosen.assignee_id is not None:
            case.owner = chosen.assignee
            case.status = Case.Status.ASSIGNED
            lines.append(_("Rule “%(rule)s” assigned the case to %(user)s.")
                         % {"rule": chosen.name, "user": chosen.assignee.username})
        else:
            case.queue = chosen.queue
            lines.append(_("Rule “%(rule)s” put the case in the queue of %(unit)s.")
                         % {"rule": chosen.name, "unit": chosen.queue.name})
        case.version += 1
        with acting_as(actor):
            case.save()
    lines += [_("Rule “%(rule)s” skipped: %(reason)s.") % {"rule": rule.name, "reason": reason}
              for rule, reason in skipped]
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RULE, actor=actor, at=timezone.now(),
                             from_status=previous if case.status != previous else "",
                             to_status=case.status if case.status != previous else "", text="\n".join(lines))
    return RuleOutcome(chosen, tuple(skipped))
