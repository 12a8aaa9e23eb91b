"""Resident service orders: 点单 (a resident asks: through community staff, the community's
public page, or monitoring's home services), 派单 (staff dispatch to a volunteer) or 接单
(a volunteer accepts from the list), done, 评单 (the requester rates it once, without login).

Orders that came from monitoring's home services stay in step with the request there:
done here marks the request done through monitoring's own service; done or cancelled
there closes the order here (docs/decisions/0043).
"""

from __future__ import annotations

import secrets

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.models import RoleAssignment
from bastion.access.roles import Role
from bastion.access.services import notify
from bastion.core import crypto
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name, mask_phone
from bastion.core.phone import PhoneError, parse_mobile
from bastion.geo.models import Level, Region
from bastion.people.models import Person
from bastion.volunteers.errors import refuse
from bastion.volunteers.models import OrderKind, OrderSource, OrderStatus, ServiceOrder
from bastion.volunteers.models.orders import OPEN_ORDER_STATUSES
from bastion.volunteers.selectors.orders import (
    order_can_manage,
    order_eligibility_error,
    order_get,
    rating_token_hash,
)
from bastion.volunteers.selectors.people import volunteer_of_person, volunteer_of_user
from bastion.volunteers.selectors.places import COMMUNITY_LEVELS, community_of, rules_for

# monitoring's ServiceKind -> ours; a doctor's visit stays with the responsibility team.
HOME_SERVICE_KINDS = {"groceries": OrderKind.GROCERIES, "medicine": OrderKind.MEDICINE,
                      "other": OrderKind.OTHER}  # fmt: skip


def order_link(order: ServiceOrder) -> str:
    return reverse("volunteers:order_detail", args=[order.public_id])


def _repr(order: ServiceOrder) -> str:
    return f"{order.get_kind_display()} · {mask_name(order.requester_name)}"


def _notify_staff(order: ServiceOrder, title: str, *, actor=None) -> None:
    """Tell the community's officers (their role granted at the community itself)."""
    grants = RoleAssignment.objects.filter(
        role=Role.COMMUNITY_OFFICER, region_path=order.community.path
    ).select_related("user")
    told: set[int] = set()
    for grant in grants:
        if grant.user_id in told or grant.user_id == getattr(actor, "pk", None):
            continue
        told.add(grant.user_id)
        notify(recipient=grant.user, title=title, link=order_link(order))


def _clean(*, community, kind, detail, requester_name, requester_phone, address, region):
    errors: dict[str, list[str]] = {}
    if community is None or community.level not in COMMUNITY_LEVELS:
        errors["community"] = [_("社区：请选择村或社区")]
    if kind not in OrderKind.values:
        errors["kind"] = [_("服务类型：请选择代购生活物资、代购药品、跑腿代办或其他")]
    name = (requester_name or "").strip()
    if not name:
        errors["requester_name"] = [_("姓名：请填写求助人姓名")]
    phone = (requester_phone or "").strip()
    if phone:
        try:
            phone = parse_mobile(phone)
        except PhoneError as exc:
            errors["requester_phone"] = [_("手机号：%(e)s") % {"e": exc}]
    if region is not None and community is not None and not region.path.startswith(community.path):
        errors["region"] = [_("网格：应在所选社区内")]
    if not (detail or "").strip():
        errors["detail"] = [_("需求：请写明需要帮什么忙（物品、数量、时间）")]
    if errors:
        raise ValidationError(errors)
    return {
        "community": community,
        "region": region or community,
        "path": (region or community).path,
        "kind": kind,
        "detail": detail.strip()[:500],
        "requester_name": name[:60],
        "requester_phone_encrypted": crypto.encrypt(phone) if phone else "",
        "requester_phone_masked": mask_phone(phone),
        "address": (address or "").strip()[:200],
    }


def _save_new(order: ServiceOrder, *, actor, notify_staff: bool) -> ServiceOrder:
    order.full_clean()
    with transaction.atomic():
        order.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=order,
            object_repr=_repr(order),
            changes={"kind": [None, order.kind], "source": [None, order.source]},
        )
        if notify_staff:
            _notify_staff(
                order,
                _("新的居民服务需求：%(r)s") % {"r": _repr(order)},
                actor=actor,
            )
    return order


def order_create(
    *,
    actor,
    community: Region,
    kind: str,
    detail: str,
    requester_name: str,
    requester_phone: str = "",
    address: str = "",
    region: Region | None = None,
    person: Person | None = None,
) -> ServiceOrder:
    """Community staff record a resident's request (by phone or at the desk)."""
    fields = _clean(
        community=community,
        kind=kind,
        detail=detail,
        requester_name=requester_name,
        requester_phone=requester_phone,
        address=address,
        region=region,
    )
    order = ServiceOrder(**fields, source=OrderSource.STAFF, person=person)
    if not order_can_manage(actor, order):
        raise Http404
    order.created_by = actor if getattr(actor, "is_authenticated", False) else None
    return _save_new(order, actor=actor, notify_staff=False)


def order_create_public(
    *,
    community: Region,
    kind: str,
    detail: str,
    requester_name: str,
    requester_phone: str,
    address: str,
) -> tuple[ServiceOrder, str]:
    """A resident's request from the community's public page; returns the order and the
    raw rating token (shown once to the requester, only its hash is kept)."""
    if community.level not in COMMUNITY_LEVELS or not rules_for(community.path).public_requests:
        raise Http404
    if not (requester_phone or "").strip():
        raise ValidationError({"requester_phone": [_("手机号：请留下联系电话，方便志愿者联系您")]})
    if not (address or "").strip():
        raise ValidationError({"address": [_("地址：请填写小区、楼栋和门牌号")]})
    fields = _clean(
        community=community,
        kind=kind,
        detail=detail,
        requester_name=requester_name,
        requester_phone=requester_phone,
        address=address,
        region=None,
    )
    token = secrets.token_urlsafe(32)
    order = ServiceOrder(
        **fields, source=OrderSource.PUBLIC, rating_token_hash=rating_token_hash(token)
    )
    return _save_new(order, actor=None, notify_staff=True), token


def _home_service_address(observation) -> str:
    household = getattr(observation, "household", None)
    person = observation.person
    parts = []
    if household is not None:
        address = getattr(household, "address", None)
        parts.append(address.text if address is not None else household.label)
    elif person.address_text:
        parts.append(person.address_text)
    return " ".join(parts)[:200]


def order_from_home_service(*, request) -> ServiceOrder | None:
    """Called by monitoring's service_request_create (when both apps are installed): the
    home-service request of a household under observation becomes an open order of its
    community. A doctor's visit stays with the team (None). Idempotent per request."""
    kind = HOME_SERVICE_KINDS.get(request.kind)
    if kind is None:
        return None
    existing = ServiceOrder.objects.filter(home_service_ref=request.public_id).first()
    if existing is not None:
        return existing
    community = community_of(request.path)
    if community is None:
        return None
    observation = request.observation
    person = observation.person
    region = Region.objects.filter(path=request.path, level=Level.GRID).first()
    order = ServiceOrder(
        community=community,
        region=region or community,
        path=request.path,
        source=OrderSource.HOME_SERVICE,
        kind=kind,
        detail=(request.detail or "").strip()[:500] or str(OrderKind(kind).label),
        requester_name=person.name[:60],
        requester_phone_encrypted=person.phone_encrypted,
        requester_phone_masked=person.phone_masked,
        address=_home_service_address(observation),
        person=person,
        home_service_ref=request.public_id,
    )
    return _save_new(order, actor=None, notify_staff=True)


def order_follow_home_service(*, request) -> ServiceOrder | None:
    """Called by monitoring when a home-service request is done or cancelled there: the
    order follows (done or cancelled) unless it is already finished."""
    order = ServiceOrder.objects.filter(home_service_ref=request.public_id).first()
    if order is None or order.status not in OPEN_ORDER_STATUSES:
        return order
    done = request.status == "done"
    with transaction.atomic():
        old = order.status
        order.status = OrderStatus.DONE if done else OrderStatus.CANCELLED
        now = timezone.now()
        if done:
            order.done_at = now
            order.done_note = _("居家观察责任组已完成")
        else:
            order.cancelled_at = now
            order.cancel_reason = _("居家观察服务请求已取消")
        order.save()
        audit_record(
            actor=None,
            action=Action.UPDATE,
            obj=order,
            object_repr=_repr(order),
            changes={"status": [old, order.status]},
            reason="home service",
        )
        if order.volunteer_user_id:
            notify(
                recipient=order.volunteer_user,
                title=_("服务需求已由责任组处理：%(r)s") % {"r": _repr(order)},
                link=order_link(order),
            )
    return order


def _finish_home_service(order: ServiceOrder) -> None:
    """Done here: mark the monitoring request done through monitoring's own service."""
    if order.home_service_ref is None or not apps.is_installed("bastion.monitoring"):
        return
    from bastion.monitoring.services.homeservice import service_request_done_by_volunteers

    service_request_done_by_volunteers(
        public_id=order.home_service_ref,
        note=_("志愿者已完成：%(n)s") % {"n": order.done_note or "-"},
    )


def _lock(order: ServiceOrder) -> ServiceOrder:
    return ServiceOrder.objects.select_for_update().select_related("community").get(pk=order.pk)


def _sync(order: ServiceOrder, locked: ServiceOrder) -> ServiceOrder:
    """Bring the caller's instance up to what was written under the lock."""
    for f in locked._meta.concrete_fields:
        setattr(order, f.attname, getattr(locked, f.attname))
    order._state.fields_cache.clear()
    return locked


def _assign(*, actor, order: ServiceOrder, person: Person, user, accepted: bool) -> ServiceOrder:
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.OPEN:
            raise refuse("order", _("该需求已被接单或已结束"), "order_taken")
        locked.status = OrderStatus.ASSIGNED
        locked.volunteer = person
        locked.volunteer_user = user
        locked.accepted = accepted
        locked.assigned_at = timezone.now()
        locked.assigned_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={
                "status": [OrderStatus.OPEN, OrderStatus.ASSIGNED],
                "volunteer": [None, mask_name(person.name)],
            },
            reason="accept" if accepted else "dispatch",
        )
        if not accepted and user is not None:
            notify(
                recipient=user,
                title=_("社区派单给您：%(r)s") % {"r": _repr(locked)},
                body=locked.detail,
                link=order_link(locked),
            )
    return _sync(order, locked)


def order_dispatch(*, actor, order: ServiceOrder, person: Person) -> ServiceOrder:
    """派单: staff give an open order to a volunteer of the community."""
    if not order_can_manage(actor, order):
        order_get(user=actor, public_id=order.public_id)
        raise PermissionDenied(_("只有社区工作人员可以派单"))
    volunteer = volunteer_of_person(person)
    error = order_eligibility_error(volunteer, order)
    if error:
        raise ValidationError({"person": [error]})
    return _assign(actor=actor, order=order, person=person, user=volunteer.user, accepted=False)


def order_accept(*, actor, order: ServiceOrder) -> ServiceOrder:
    """接单: a volunteer of the community takes an open order from the list (first wins)."""
    volunteer = volunteer_of_user(actor)
    error = order_eligibility_error(volunteer, order)
    if error:
        raise ValidationError({"order": [error]})
    return _assign(actor=actor, order=order, person=volunteer.person, user=actor, accepted=True)


def _is_assignee(actor, order: ServiceOrder) -> bool:
    if order.volunteer_user_id and order.volunteer_user_id == getattr(actor, "pk", None):
        return True
    volunteer = volunteer_of_user(actor)
    return volunteer is not None and order.volunteer_id == volunteer.person.pk


def order_release(*, actor, order: ServiceOrder, reason: str = "") -> ServiceOrder:
    """The volunteer gives the order back (or staff take it back): open again."""
    if not (_is_assignee(actor, order) or order_can_manage(actor, order)):
        raise Http404
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.ASSIGNED:
            raise ValidationError({"order": [_("只有服务中的需求可以退回")]})
        old_user = locked.volunteer_user
        locked.status = OrderStatus.OPEN
        locked.volunteer = None
        locked.volunteer_user = None
        locked.accepted = False
        locked.assigned_at = None
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={"status": [OrderStatus.ASSIGNED, OrderStatus.OPEN]},
            reason=(reason or "").strip()[:300],
        )
        if old_user is not None and old_user.pk != getattr(actor, "pk", None):
            notify(
                recipient=old_user,
                title=_("社区已收回派单：%(r)s") % {"r": _repr(locked)},
                link=order_link(locked),
            )
        _notify_staff(
            locked, _("需求已退回，待重新派单：%(r)s") % {"r": _repr(locked)}, actor=actor
        )
    return _sync(order, locked)


def order_done(*, actor, order: ServiceOrder, note: str = "") -> ServiceOrder:
    """The volunteer (or staff) report the order done."""
    if not (_is_assignee(actor, order) or order_can_manage(actor, order)):
        raise Http404
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.ASSIGNED:
            raise ValidationError({"order": [_("只有服务中的需求可以标记完成")]})
        locked.status = OrderStatus.DONE
        locked.done_at = timezone.now()
        locked.done_note = (note or "").strip()[:300]
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={"status": [OrderStatus.ASSIGNED, OrderStatus.DONE]},
            reason=locked.done_note,
        )
        _finish_home_service(locked)
    return _sync(order, locked)


def order_cancel(*, actor, order: ServiceOrder, reason: str) -> ServiceOrder:
    """Staff cancel an unfinished order (a monitoring request stays with its team)."""
    if not order_can_manage(actor, order):
        order_get(user=actor, public_id=order.public_id)
        raise PermissionDenied(_("只有社区工作人员可以取消需求"))
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"reason": [_("取消原因：请说明原因")]})
    with transaction.atomic():
        locked = _lock(order)
        if locked.status not in OPEN_ORDER_STATUSES:
            raise ValidationError({"order": [_("该需求已结束")]})
        old = locked.status
        locked.status = OrderStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={"status": [old, OrderStatus.CANCELLED]},
            reason=reason,
        )
        if locked.volunteer_user_id and locked.volunteer_user_id != getattr(actor, "pk", None):
            notify(
                recipient=locked.volunteer_user,
                title=_("服务需求已取消：%(r)s") % {"r": _repr(locked)},
                body=reason,
                link=order_link(locked),
                level="warning",
            )
    return _sync(order, locked)


def order_rating_link_issue(*, actor, order: ServiceOrder) -> str:
    """A new single-use rating link for the requester (the previous one stops working)."""
    if not order_can_manage(actor, order):
        order_get(user=actor, public_id=order.public_id)
        raise PermissionDenied(_("只有社区工作人员可以生成评价链接"))
    if order.rated_at is not None:
        raise ValidationError({"order": [_("该需求已评价")]})
    if order.status == OrderStatus.CANCELLED:
        raise ValidationError({"order": [_("已取消的需求不能评价")]})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        ServiceOrder.objects.filter(pk=order.pk).update(rating_token_hash=rating_token_hash(token))
        order.rating_token_hash = rating_token_hash(token)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=order,
            object_repr=_repr(order),
            changes={"rating_link": "issued"},
        )
    return token


def order_rate(*, order: ServiceOrder, rating, comment: str = "") -> ServiceOrder:
    """评单: the requester rates a done order once (1–5); the link then stops working."""
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"rating": [_("评分：请选择1到5颗星")]})
    with transaction.atomic():
        locked = _lock(order)
        if locked.rated_at is not None or not locked.rating_token_hash:
            raise refuse("rating", _("该需求已评价，谢谢！"), "rated")
        if locked.status != OrderStatus.DONE:
            raise refuse("rating", _("服务完成后才能评价"), "not_done")
        locked.rating = value
        locked.rating_comment = (comment or "").strip()[:300]
        locked.rated_at = timezone.now()
        locked.rating_token_hash = ""
        locked.save()
        audit_record(
            actor=None,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={"rating": [None, value]},
        )
    return _sync(order, locked)


def order_phone_for_assignee(*, actor, order) -> str:
    """The requester's phone in clear for the volunteer who took the order (she has to
    call the resident), audited as a reveal; staff see the masked number like any other
    phone on file. Empty when the order has no phone."""
    if not order.requester_phone_encrypted:
        return ""
    from bastion.core import crypto
    from bastion.core.audit import Action, audit_record

    audit_record(
        actor=actor,
        action=Action.REVEAL,
        obj=order,
        changes={"field": "requester_phone"},
        reason="接单志愿者联系点单人",
    )
    return crypto.decrypt(order.requester_phone_encrypted)
