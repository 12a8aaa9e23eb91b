"""Helpers shared by the command services: text checks, the actor's name, files, who is the
county command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Role
from bastion.access.scoping import scope_of
from bastion.core.models import StoredFile

MAX_FILES = 9


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """Stripped text without NUL characters; ValidationError naming the field when it is
    missing or too long."""
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: [_("请填写%(label)s") % {"label": label}]})
    if len(text) > max_length:
        raise ValidationError(
            {field: [_("%(label)s不能超过 %(n)d 个字") % {"label": label, "n": max_length}]}
        )
    return text


class Checks:
    """Collects the field errors of several checks, so a form shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def run(self, check, default=None):
        """`check()`'s value, or `default` with its ValidationError kept for later."""
        try:
            return check()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.errors.setdefault(name, []).extend(messages)
            return default

    def text(self, value, **kwargs) -> str:
        return self.run(lambda: clean_text(value, **kwargs), "")

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_files(files: Iterable, *, field: str = "attachments") -> list[StoredFile]:
    """Stored files (core.StoredFile) to attach, at most MAX_FILES, duplicates dropped."""
    kept: dict[int, StoredFile] = {}
    for item in files or ():
        if not isinstance(item, StoredFile) or item.pk is None:
            raise ValidationError({field: [_("附件无效")]})
        kept[item.pk] = item
    if len(kept) > MAX_FILES:
        raise ValidationError({field: [_("附件最多 %(n)d 个") % {"n": MAX_FILES}]})
    return list(kept.values())


def actor_name(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("系统")
    return (getattr(actor, "full_name", "") or actor.get_username())[:150]


def actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def is_system(actor) -> bool:
    """The demo generator and jobs act with actor None."""
    return actor is None


def is_county_command(user) -> bool:
    if user is None:
        return True
    scope = scope_of(user)
    return scope.superuser or Role.COUNTY_COMMAND in scope.roles


def require_county_command(user) -> None:
    if not is_county_command(user):
        raise PermissionDenied(_("只有县指挥部可以修改此配置"))


def now_or(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()
