"""The org-unit tree keeps its materialised paths right, so scopes stay right."""

import pytest
from django.core.exceptions import ValidationError

from cxm.customers.models import Customer
from cxm.org.access import restrict
from cxm.org.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree(org_world):
    assert OrgUnit.objects.get(code="B01-CS").path == "HQ/R1/B01/B01-CS/"
    assert org_world.x_team.depth == 3


def test_moving_a_branch_moves_its_whole_subtree(org_world):
    org_world.x.parent = org_world.r2
    org_world.x.save()
    assert OrgUnit.objects.get(code="B01").path == "HQ/R2/B01/"
    assert OrgUnit.objects.get(code="B01-CS").path == "HQ/R2/B01/B01-CS/"
    # The CS manager of R1 no longer sees the moved branch's customers.
    assert sorted(restrict(Customer.objects.all(), org_world.users.cs_manager).values_list("customer_no", flat=True)) == ["C-Z1"]


def test_renaming_a_code_rewrites_descendant_paths(org_world):
    org_world.r1.code = "CAP"
    org_world.r1.save()
    assert sorted(OrgUnit.objects.filter(path__startswith="HQ/CAP/").values_list("code", flat=True)) == [
        "B01", "B01-CS", "B03", "CAP"]
    assert not OrgUnit.objects.filter(path__contains="/R1/").exists()


def test_a_unit_cannot_be_moved_under_itself(org_world):
    org_world.r1.parent = org_world.x_team
    with pytest.raises(ValidationError):
        org_world.r1.full_clean()
    with pytest.raises(ValueError):
        org_world.r1.save()
    assert OrgUnit.objects.get(code="R1").path == "HQ/R1/"


def test_a_code_with_a_slash_is_refused(org_world):
    unit = OrgUnit(code="R1/B09", name_ko="가짜", kind="branch", parent=org_world.hq)
    with pytest.raises(ValidationError):
        unit.full_clean()
    with pytest.raises(ValueError):
        unit.save()
