"""The person API: list, read, register (create or merge), update. Identifiers stay masked."""

# No `from __future__ import annotations`: @paginate builds its input model from the
# wrapped function's annotations at runtime (PersonSearchIn must be a real class there).

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, region_paths
from bastion.core.apierrors import ApiError
from bastion.core.audit import client_ip
from bastion.core.pagination import PageNumberPagination
from bastion.geo.models import Region
from bastion.geo.selectors import household_get, region_get
from bastion.people.schemas import (
    DuplicateMergeIn,
    DuplicateOut,
    PersonIn,
    PersonOut,
    PersonPatchIn,
    PersonRegisterOut,
    PersonSearchIn,
)
from bastion.people.selectors import (
    duplicate_get,
    duplicate_list,
    looks_like_identifier,
    person_get,
    person_list,
)
from bastion.people.services import (
    PersonInput,
    person_duplicate_merge,
    person_register,
    person_update,
)

router = Router(tags=["people"])


def _user(request):
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def _writable_grid(user, code: str | None) -> Region | None:
    """The grid the caller writes people into: 404 if unseen, 403 if seen but not theirs."""
    if not code:
        if region_paths(user, Perm.PERSON_CHANGE) is None:
            return None
        raise ValidationError({"grid": _("请指定网格")})
    grid = region_get(user=user, code=code.strip())
    if not can_on_path(user, Perm.PERSON_CHANGE, grid.path):
        raise ApiError(403, "forbidden", _("您没有在此网格登记人员的权限"))
    return grid


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as exc:
        raise ValidationError({"household": _("户的编号格式不正确")}) from exc


MAX_QUERY_LENGTH = 100


def _people(user, *, region, household, tag, q):
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationError({"q": _("搜索内容不能超过 %(n)d 个字") % {"n": MAX_QUERY_LENGTH}})
    region_path = region_get(user=user, code=region).path if region else None
    household_obj = household_get(user=user, public_id=_uuid(household)) if household else None
    return person_list(
        user=user, region_path=region_path, household=household_obj, tag=tag or None, q=q
    )


@router.get("", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def list_people(
    request,
    region: str | None = None,
    household: str | None = None,
    tag: str | None = None,
    q: str = "",
):
    """People the caller may see: under a region's code, in a household, with a tag, or
    whose name contains `q`. ID and phone numbers are searched with POST /people/search,
    so that they never appear in a URL (access logs, proxies, browser history)."""
    if looks_like_identifier(q):
        raise ValidationError({"q": _("按身份证号或手机号查找请使用 POST /people/search")})
    return _people(_user(request), region=region, household=household, tag=tag, q=q)


@router.post("/search", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def search_people(request, payload: PersonSearchIn):
    """Like GET /people, with the filters in the body: `q` is a name fragment, or exactly
    an ID number or a phone number."""
    return _people(
        _user(request),
        region=payload.region,
        household=payload.household,
        tag=payload.tag,
        q=payload.q,
    )


@router.get("/duplicates", response=list[DuplicateOut])
@paginate(PageNumberPagination, page_size=50)
def list_duplicates(request):
    """Records registered twice (the same ID number by someone who could not see the
    record on file), for officers who may change both; merge them with POST .../merge."""
    return duplicate_list(user=_user(request))


@router.post("/duplicates/{public_id}/merge", response=PersonOut)
def merge_duplicate(request, public_id: UUID, payload: DuplicateMergeIn):
    """Merge the provisional record into the record on file; `keep` is "new" when the
    person lives in the provisional record's grid, "original" otherwise."""
    user = _user(request)
    provisional = duplicate_get(user=user, public_id=public_id)
    person = person_duplicate_merge(actor=user, provisional=provisional, keep=payload.keep)
    return person_get(user=user, public_id=person.public_id)


@router.get("/{public_id}", response=PersonOut)
def get_person(request, public_id: UUID):
    return person_get(user=_user(request), public_id=public_id)


@router.post("", response={201: PersonRegisterOut})
def register_person(request, payload: PersonIn):
    """Register a person; someone already on file (same ID number) is merged, not duplicated."""
    user = _user(request)
    grid = _writable_grid(user, payload.grid)
    result = person_register(
        actor=user,
        data=PersonInput(
            name=payload.name,
            id_number=payload.id_number,
            phone=payload.phone,
            gender=payload.gender,
            birth_date=payload.birth_date,
            grid=grid,
            household_label=payload.household_label,
            relation_to_head=payload.relation_to_head,
            address_text=payload.address_text,
            tags=payload.tags,
        ),
        ip_address=client_ip(request),
    )
    # Always someone the caller may see: a number on file outside her scope gave her a
    # provisional record of her own (docs/decisions/0011).
    person = person_get(user=user, public_id=result.person.public_id)
    return Status(201, {"person": person, "created": result.created, "conflicts": result.conflicts})


@router.patch("/{public_id}", response=PersonOut)
def update_person(request, public_id: UUID, payload: PersonPatchIn):
    """Change a person's editable fields; the caller needs PERSON_CHANGE over the person."""
    user = _user(request)
    person = person_get(user=user, public_id=public_id)
    if not person_list(user=user, perm=Perm.PERSON_CHANGE).filter(pk=person.pk).exists():
        raise ApiError(403, "forbidden", _("您没有修改此人员信息的权限"))
    changes = payload.dict(exclude_unset=True)
    if "grid" in changes:
        changes["grid"] = _writable_grid(user, changes["grid"])
    person_update(actor=user, person=person, changes=changes, ip_address=client_ip(request))
    return person_get(user=user, public_id=public_id)
