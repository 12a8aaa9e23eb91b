"""Texts stored now and read later, in the reader's language.

A notification or an alert detail is written once (often by a job or by someone using
the other language) and read by many, each with their own language switch. `Msg` keeps
the untranslated message and its parameters (JSON), and renders them when shown:

    notify(recipient=u, title=Msg(gettext_noop("%(name)s已解除观察"), name="张**"))

Parameters may themselves be translatable: another `Msg`, a lazy string (e.g. a
choice label), a list of those (joined with "、"), or `Localized(zh=..., en=...)` for
names kept in both languages in the database (seat labels, policy names).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext


def msgid_of(text: Any) -> str:
    """The untranslated source of a lazy string (a plain string is its own)."""
    if isinstance(text, Promise):
        with translation.override(None):
            return str(text)
    return str(text)


class Localized:
    """A value kept in the database in Chinese and English (a seat's label_zh/label_en)."""

    def __init__(self, zh: str, en: str = ""):
        self.zh, self.en = zh, en or zh

    def render(self) -> str:
        return self.en if (translation.get_language() or "").startswith("en") else self.zh


def _encode(value: Any) -> Any:
    if isinstance(value, Msg):
        return {"msg": value.as_json()}
    if isinstance(value, Promise):
        return {"t": msgid_of(value)}
    if isinstance(value, Localized):
        return {"l": [value.zh, value.en]}
    if isinstance(value, (list, tuple)):
        return {"list": [_encode(v) for v in value]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "msg" in value:
            return Msg.from_json(value["msg"]).render()
        if "t" in value:
            return gettext(value["t"]) if value["t"] else ""
        if "l" in value:
            return Localized(*value["l"]).render()
        if "list" in value:
            return gettext("、").join(str(_decode(v)) for v in value["list"])
    return value


class Msg:
    """An untranslated message with parameters; `render()` in the active language."""

    def __init__(self, msgid: Any, **params: Any):
        self.msgid = msgid_of(msgid)
        self.params = {k: _encode(v) for k, v in params.items()}

    def render(self) -> str:
        text = gettext(self.msgid) if self.msgid else ""
        if not self.params:
            return text
        return text % {k: _decode(v) for k, v in self.params.items()}

    def as_json(self) -> dict:
        return {"m": self.msgid, "p": self.params}

    @classmethod
    def from_json(cls, data: dict) -> Msg:
        msg = cls("")
        msg.msgid, msg.params = data.get("m", ""), data.get("p", {})
        return msg

    def __str__(self) -> str:
        return self.render()


def render_stored(message: dict | None, fallback: str) -> str:
    """A stored Msg (JSON) in the active language; `fallback` (the text as stored)
    when there is none."""
    if not message:
        return fallback
    return Msg.from_json(message).render()


def source_text(value: Any) -> str:
    """What to keep in a plain text column beside the Msg: the default language."""
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        return str(value.render() if isinstance(value, (Msg, Localized)) else value)
