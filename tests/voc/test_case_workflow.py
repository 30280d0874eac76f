"""Case workflow: transitions enforced, no lost update, scoped, SLA due in business hours, audited."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry

from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.voc.models import Case, CaseEvent, Holiday, SlaPolicy
from cxm.voc.services import StaleCase, case_assign, case_create, case_note, case_transition

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def case(org_world):
    return case_create(user=org_world.users.agent, kind=Case.Kind.COMPLAINT, channel=Case.Channel.CALL_CENTRE,
                       org_unit=org_world.x, subject="배송 지연", customer=org_world.customers["B01"])


def test_a_new_case_is_numbered_per_year_and_starts_new(case, org_world):
    second = case_create(user=org_world.users.agent, kind=Case.Kind.INQUIRY, channel=Case.Channel.WEB,
                         org_unit=org_world.x, subject="영업시간")
    assert case.status == Case.Status.NEW and case.version == 1
    assert int(second.number[-6:]) == int(case.number[-6:]) + 1
    assert case.events.get().kind == CaseEvent.Kind.CREATED


def test_the_sla_due_time_counts_business_hours_and_holidays(org_world):
    SlaPolicy.objects.create(kind=Case.Kind.COMPLAINT, severity=Case.Severity.HIGH, business_hours=4)
    Holiday.objects.create(day=datetime(2026, 11, 23).date(), name="test holiday")
    opened = datetime(2026, 11, 20, 16, 0, tzinfo=SEOUL)  # Friday 16:00; Monday is a holiday
    c = case_create(user=org_world.users.agent, kind=Case.Kind.COMPLAINT, channel=Case.Channel.STORE,
                    org_unit=org_world.x, subject="불친절", severity=Case.Severity.HIGH, opened_at=opened)
    assert c.due_at == datetime(2026, 11, 24, 11, 0, tzinfo=SEOUL)  # 2 h Friday + 2 h Tuesday


def test_a_case_cannot_be_closed_before_it_is_resolved(case, org_world):
    with pytest.raises(ApplicationError):
        case_transition(user=org_world.users.agent, case_id=case.pk, version=case.version, to=Case.Status.CLOSED)
    case.refresh_from_db()
    assert case.status == Case.Status.NEW


def test_resolving_a_complaint_needs_a_resolution_and_a_root_cause(case, org_world):
    agent = org_world.users.agent
    c = case_transition(user=agent, case_id=case.pk, version=1, to=Case.Status.IN_PROGRESS)
    with pytest.raises(ApplicationError):
        case_transition(user=agent, case_id=c.pk, version=c.version, to=Case.Status.RESOLVED, resolution="사과함")
    c = case_transition(user=agent, case_id=c.pk, version=c.version, to=Case.Status.RESOLVED,
                        resolution="사과하고 재배송", root_cause=Case.RootCause.PROCEDURE)
    c = case_transition(user=agent, case_id=c.pk, version=c.version, to=Case.Status.CLOSED,
                        verdict=Case.Verdict.SATISFIED)
    assert (c.status, c.verdict, c.root_cause) == ("closed", "satisfied", "procedure")
    assert c.resolved_at is not None and c.closed_at is not None


def test_reopening_counts_and_clears_the_resolution_times(case, org_world):
    agent = org_world.users.agent
    c = case_transition(user=agent, case_id=case.pk, version=1, to=Case.Status.IN_PROGRESS)
    c = case_transition(user=agent, case_id=c.pk, version=c.version, to=Case.Status.RESOLVED, resolution="x",
                        root_cause=Case.RootCause.PEOPLE)
    c = case_transition(user=agent, case_id=c.pk, version=c.version, to=Case.Status.IN_PROGRESS)
    assert c.reopened == 1 and c.resolved_at is None


def test_a_stale_edit_is_refused_so_no_update_is_lost(case, org_world):
    agent, manager = org_world.users.agent, org_world.users.branch_manager
    seen_by_both = case.version
    case_transition(user=agent, case_id=case.pk, version=seen_by_both, to=Case.Status.IN_PROGRESS, note="제가 봅니다")
    with pytest.raises(StaleCase):
        case_transition(user=manager, case_id=case.pk, version=seen_by_both, to=Case.Status.ASSIGNED)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.version == seen_by_both + 1


def test_another_branchs_manager_cannot_touch_the_case(case, org_world):
    from cxm.org.models import User

    other = User.objects.create_user(username="bm_y", password="x" * 12, role=User.Role.BRANCH_MANAGER)
    other.org_units.set([org_world.y])
    with pytest.raises(AccessDenied):
        case_transition(user=other, case_id=case.pk, version=1, to=Case.Status.IN_PROGRESS)
    with pytest.raises(AccessDenied):
        case_note(user=other, case_id=case.pk, text="보임?")


def test_analysts_read_but_do_not_work_cases(case, org_world):
    with pytest.raises(AccessDenied):
        case_transition(user=org_world.users.analyst, case_id=case.pk, version=1, to=Case.Status.IN_PROGRESS)


def test_assigning_needs_an_owner_who_can_see_the_unit(case, org_world):
    from cxm.org.models import User

    outsider = User.objects.create_user(username="agent_y", password="x" * 12, role=User.Role.AGENT)
    outsider.org_units.set([org_world.y])
    with pytest.raises(ApplicationError):
        case_assign(user=org_world.users.cs_manager, case_id=case.pk, version=1, owner=outsider)
    c = case_assign(user=org_world.users.cs_manager, case_id=case.pk, version=1, owner=org_world.users.agent)
    assert c.owner == org_world.users.agent and c.status == Case.Status.ASSIGNED


def test_every_change_is_audited_with_its_actor(case, org_world):
    agent = org_world.users.agent
    case_transition(user=agent, case_id=case.pk, version=1, to=Case.Status.IN_PROGRESS)
    entries = LogEntry.objects.filter(content_type__model="case", object_pk=str(case.pk)).order_by("id")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries.last().actor == agent
    assert entries.last().changes_dict["status"] == ["new", "in_progress"]


def test_the_timeline_keeps_transitions_and_internal_notes(case, org_world):
    agent = org_world.users.agent
    case_note(user=agent, case_id=case.pk, text="고객에게 전화함")
    case_transition(user=agent, case_id=case.pk, version=1, to=Case.Status.IN_PROGRESS)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["created", "note", "transition"]
