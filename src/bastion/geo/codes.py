"""Statistical division codes: how a child's code nests under its parent's."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bastion.geo.models import Level

# Significant digits of a code at each level (the rest are zeros).
SIGNIFICANT = {
    Level.COUNTY: 6,
    Level.TOWN: 9,
    Level.SUBDISTRICT: 9,
    Level.VILLAGE: 12,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
}


class CodeError(ValueError):
    """A code that is malformed or does not nest; str(error) is for the user."""


def check_code(code: str, level: str, parent_code: str | None, parent_level: str | None) -> None:
    """Raise CodeError unless `code` is well-formed for `level` and nests under the parent."""
    expected_len = 15 if level == Level.GRID else 12
    if len(code) != expected_len or not code.isdigit() or not code.isascii():
        raise CodeError(
            _("%(level)s代码应为%(n)d位数字") % {"level": Level(level).label, "n": expected_len}
        )
    sig = SIGNIFICANT[Level(level)]
    if level != Level.GRID and code[sig:] != "0" * (12 - sig):
        raise CodeError(
            _("%(level)s代码末尾应为%(n)d个0") % {"level": Level(level).label, "n": 12 - sig}
        )
    if level != Level.COUNTY and code[sig - 3 : sig] == "000":
        raise CodeError(_("本级代码段不能为000"))
    if parent_code is None:
        return
    parent_sig = SIGNIFICANT[Level(parent_level)]
    if code[:parent_sig] != parent_code[:parent_sig] or (
        level == Level.GRID and code[:12] != parent_code[:12]
    ):
        raise CodeError(
            _("代码%(code)s不属于上级%(parent)s") % {"code": code, "parent": parent_code}
        )
