"""Donors: record, change, and reveal a contact number (audited)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core import crypto
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_phone
from bastion.geo.models import Region
from bastion.supplies.models import Disclosure, Donor, DonorKind
from bastion.supplies.services.common import audit, clean_text, require, user_or_none

PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
REVEAL_REASON_MIN = 4


def _phone(value: str) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    if not PHONE.match(text):
        raise ValidationError(
            {"contact_phone": [_("联系电话：应为手机号或座机号（数字，可含区号和 -）")]}
        )
    return text.replace(" ", "")


def _credit_code(value: str, kind: str) -> str:
    code = (value or "").strip().upper()
    if not code:
        return ""
    if kind == DonorKind.INDIVIDUAL:
        raise ValidationError({"credit_code": [_("统一社会信用代码：个人捐赠者不填")]})
    if not CREDIT_CODE.match(code):
        raise ValidationError({"credit_code": [_("统一社会信用代码：应为 18 位数字或大写字母")]})
    return code


def _default_disclosure(kind: str) -> str:
    return Disclosure.MASKED if kind == DonorKind.INDIVIDUAL else Disclosure.NAME


def donor_create(
    *,
    actor,
    kind: str,
    name: str,
    region: Region,
    disclosure: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    credit_code: str = "",
    note: str = "",
) -> Donor:
    """Record a donor at `region` (Perm.DONATION_MANAGE there). Individuals are shown with
    a masked name unless they choose otherwise; anonymous donors never appear publicly."""
    require(actor, Perm.DONATION_MANAGE, path=region.path)
    if kind not in DonorKind.values:
        raise ValidationError({"kind": [_("捐赠者类型：未知选项")]})
    disclosure = disclosure or _default_disclosure(kind)
    if disclosure not in Disclosure.values:
        raise ValidationError({"disclosure": [_("公开方式：未知选项")]})
    phone = _phone(contact_phone)
    donor = Donor(
        kind=kind,
        name=clean_text(name, field="name", label=_("名称"), required=True, limit=120),
        disclosure=disclosure,
        credit_code=_credit_code(credit_code, kind),
        contact_name=clean_text(contact_name, field="contact_name", label=_("联系人"), limit=60),
        contact_phone_encrypted=crypto.encrypt(phone),
        contact_phone_masked=mask_phone(phone),
        note=clean_text(note, field="note", label=_("备注")),
        region=region,
        path=region.path,
        created_by=user_or_none(actor),
    )
    with transaction.atomic():
        donor.full_clean()
        donor.save()
        audit(
            actor,
            Action.CREATE,
            donor,
            changes={
                "kind": [None, kind],
                "disclosure": [None, disclosure],
                "contact_phone": [None, donor.contact_phone_masked],
            },
        )
    return donor


_EDITABLE = ("name", "kind", "disclosure", "contact_name", "credit_code", "note")


def donor_update(*, actor, donor: Donor, **changes) -> Donor:
    """Change a donor's fields (any of name, kind, disclosure, contact_name,
    contact_phone, credit_code, note); every change is audited with masked values."""
    require(actor, Perm.DONATION_MANAGE, path=donor.path)
    unknown = set(changes) - set(_EDITABLE) - {"contact_phone"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("不能修改该字段")]})
    diff: dict = {}
    kind = changes.get("kind", donor.kind)
    if kind not in DonorKind.values:
        raise ValidationError({"kind": [_("捐赠者类型：未知选项")]})
    if "disclosure" in changes and changes["disclosure"] not in Disclosure.values:
        raise ValidationError({"disclosure": [_("公开方式：未知选项")]})
    for field in _EDITABLE:
        if field not in changes or changes[field] is None:
            continue
        value = changes[field]
        if field == "name":
            value = clean_text(value, field="name", label=_("名称"), required=True, limit=120)
        elif field == "contact_name":
            value = clean_text(value, field=field, label=_("联系人"), limit=60)
        elif field == "note":
            value = clean_text(value, field=field, label=_("备注"))
        elif field == "credit_code":
            value = _credit_code(value, kind)
        if getattr(donor, field) != value:
            diff[field] = [getattr(donor, field), value]
            setattr(donor, field, value)
    if changes.get("contact_phone") is not None:
        phone = _phone(changes["contact_phone"])
        masked = mask_phone(phone)
        if masked != donor.contact_phone_masked or not phone:
            diff["contact_phone"] = [donor.contact_phone_masked, masked]
        donor.contact_phone_encrypted = crypto.encrypt(phone)
        donor.contact_phone_masked = masked
    if not diff:
        return donor
    with transaction.atomic():
        donor.full_clean()
        donor.save()
        audit(actor, Action.UPDATE, donor, changes=diff)
    return donor


def donor_reveal_phone(*, actor, donor: Donor, reason: str, ip_address: str | None = None) -> str:
    """The donor's contact number in clear, for someone who manages donations there, with
    a stated reason; the audit entry keeps the reason, never the number."""
    require(actor, Perm.DONATION_MANAGE, path=donor.path)
    reason = (reason or "").strip()
    if len(reason) < REVEAL_REASON_MIN:
        raise ValidationError(
            {"reason": [_("请填写查看原因（至少 %(n)d 个字）") % {"n": REVEAL_REASON_MIN}]}
        )
    audit_record(
        actor=actor,
        action=Action.REVEAL,
        obj=donor,
        changes={"field": "contact_phone"},
        reason=reason,
        ip_address=ip_address,
    )
    return crypto.decrypt(donor.contact_phone_encrypted)
