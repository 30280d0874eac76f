"""API endpoints of the org app: who am I, org units."""


from django.http import Http404
from ninja import Router, Schema

from .access import can_view_personal_data, restrict, visible_units
from .models import OrgUnit

router = Router(tags=["org"])


class MeOut(Schema):
    username: str
    role: str
    org_units: list[str]
    personal_data: bool


@router.get("/me", response=MeOut, summary="The authenticated user, their role and scope")
def me(request):
    user = request.auth
    return MeOut(
        username=user.username,
        role=user.role,
        org_units=list(visible_units(user).values_list("code", flat=True)),
        personal_data=can_view_personal_data(user),
    )


class OrgUnitOut(Schema):
    code: str
    name_ko: str
    name_en: str
    kind: str
    parent: str | None
    path: str

    @staticmethod
    def resolve_parent(obj: OrgUnit) -> str | None:
        return obj.parent.code if obj.parent_id else None


@router.get("/org-units", response=list[OrgUnitOut], summary="Org units the caller may see, in tree order")
def org_unit_list(request):
    return restrict(OrgUnit.objects.select_related("parent"), request.auth)


@router.get("/org-units/{code}", response=OrgUnitOut, summary="One org unit (404 outside the caller's scope)")
def org_unit_detail(request, code: str):
    unit = restrict(OrgUnit.objects.select_related("parent"), request.auth).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit
