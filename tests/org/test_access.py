"""The access rules of domain spec 8, tested on the service layer (cxm.org.access)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cxm.customers.models import Customer, Product, Transaction
from cxm.org.access import can_import, can_view_personal_data, restrict, visible_units, within_unit
from cxm.org.models import OrgUnit

pytestmark = pytest.mark.django_db


def codes(qs, field="customer_no"):
    return sorted(qs.values_list(field, flat=True))


def test_admin_and_analyst_see_every_branch(org_world):
    for user in (org_world.users.admin, org_world.users.analyst):
        assert codes(restrict(Customer.objects.all(), user)) == ["C-X1", "C-Y1", "C-Z1"]


def test_branch_manager_sees_only_their_branch_subtree(org_world):
    user = org_world.users.branch_manager
    assert codes(visible_units(user), "code") == ["B01", "B01-CS"]
    assert codes(restrict(Customer.objects.all(), user)) == ["C-X1"]
    assert codes(restrict(Transaction.objects.all(), user), "txn_no") == ["T-C-X1"]


def test_cs_manager_of_a_region_sees_every_branch_below_it(org_world):
    user = org_world.users.cs_manager
    assert codes(restrict(Customer.objects.all(), user)) == ["C-X1", "C-Z1"]


def test_anonymous_and_inactive_users_see_nothing(org_world):
    assert restrict(Customer.objects.all(), AnonymousUser()).count() == 0
    assert restrict(Customer.objects.all(), None).count() == 0
    user = org_world.users.branch_manager
    user.is_active = False
    assert restrict(Customer.objects.all(), user).count() == 0


def test_user_without_any_unit_sees_nothing(org_world):
    user = org_world.users.agent
    user.org_units.clear()
    assert restrict(Customer.objects.all(), user).count() == 0
    assert visible_units(user).count() == 0


def test_unscoped_model_cannot_be_restricted_by_accident(org_world):
    with pytest.raises(TypeError, match="scope_field"):
        restrict(Product.objects.all(), org_world.users.admin)


def test_unit_picker_narrows_but_never_widens(org_world):
    user = org_world.users.cs_manager
    visible = restrict(Customer.objects.all(), user)
    assert codes(within_unit(visible, org_world.z)) == ["C-Z1"]
    # Y is outside the CS manager's region: picking it must not reveal Y's customers.
    assert within_unit(visible, org_world.y).count() == 0


def test_org_units_are_scoped_by_themselves(org_world):
    assert codes(restrict(OrgUnit.objects.all(), org_world.users.cs_manager), "code") == ["B01", "B01-CS", "B03", "R1"]


def test_analyst_reads_all_but_without_personal_data(org_world):
    assert not can_view_personal_data(org_world.users.analyst)
    assert can_view_personal_data(org_world.users.branch_manager)


def test_only_admin_and_cs_manager_may_import(org_world):
    u = org_world.users
    assert [can_import(x) for x in (u.admin, u.cs_manager, u.analyst, u.agent, u.branch_manager)] == [
        True, True, False, False, False]


def test_users_who_see_a_unit_is_the_inverse_of_visible_units(org_world):
    from cxm.org.access import users_who_see
    from cxm.org.models import User

    for unit in (org_world.x, org_world.y, org_world.x_team, org_world.r1):
        expected = sorted(u.username for u in User.objects.all() if visible_units(u).filter(pk=unit.pk).exists())
        assert sorted(users_who_see(unit).values_list("username", flat=True)) == expected
