"""Rejected rows handed back to the user: the error workbook, and the encrypted file
that keeps the rows until the workbook is downloaded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from bastion.core.tabular.columns import Column, RowError

MASKED_KEYS = {"id_number": "id", "phone": "phone"}


def _masked(values: dict[str, str]) -> dict[str, str]:
    from bastion.core.masking import mask_id_number, mask_phone

    out = dict(values)
    if out.get("id_number"):
        out["id_number"] = mask_id_number(out["id_number"])
    if out.get("phone"):
        out["phone"] = mask_phone(out["phone"])
    return out


def write_error_workbook(
    target,
    *,
    columns: list[Column],
    rows: Iterable[tuple[int, dict[str, str], list[RowError]]],
    masked: bool = True,
) -> None:
    """Write an .xlsx listing each rejected row: its number, its values, and the reasons.

    ID and phone numbers are masked unless `masked=False` (callers check the permission
    and audit). Every value is written as a text cell, so a value such as
    "=HYPERLINK(...)" from the uploaded file never becomes a formula in the workbook
    handed back to the user. A `SealedErrorRows` target keeps the rows, encrypted, for a
    workbook made later.
    """
    if isinstance(target, SealedErrorRows):
        target.write(columns=columns, rows=rows)
        return
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("错误行"))

    def text(value: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type = "s"
        return cell

    sheet.append([text(_("行号")), *[text(c.label) for c in columns], text(_("错误原因"))])
    for number, values, errors in rows:
        shown = _masked(values) if masked else values
        reasons = "；".join(f"{e.column}: {e.message}" for e in errors)
        sheet.append([number, *[text(shown.get(c.key, "")) for c in columns], text(reasons)])
    workbook.save(target)


class SealedErrorRows:
    """The rejected rows of an import kept on disk until the user downloads them: one
    Fernet token per line (the rows hold ID and phone numbers), file mode 0600."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def write(
        self, *, columns: list[Column], rows: Iterable[tuple[int, dict[str, str], list[RowError]]]
    ) -> None:
        import json
        import os

        from bastion.core import crypto

        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            head = [[c.key, c.label] for c in columns]
            out.write(crypto.encrypt(json.dumps(head)) + "\n")
            for number, values, errors in rows:
                line = [number, values, [[e.column, e.message] for e in errors]]
                out.write(crypto.encrypt(json.dumps(line, ensure_ascii=False)) + "\n")

    def exists(self) -> bool:
        return self.path.is_file()

    def read(self) -> tuple[list[Column], Iterator[tuple[int, dict[str, str], list[RowError]]]]:
        """(columns, rows) as written."""
        import json

        from bastion.core import crypto

        handle = self.path.open(encoding="ascii")
        columns = [Column(k, label) for k, label in json.loads(crypto.decrypt(handle.readline()))]

        def rows():
            with handle:
                for line in handle:
                    number, values, errors = json.loads(crypto.decrypt(line.strip()))
                    yield number, values, [RowError(number, c, m) for c, m in errors]

        return columns, rows()

    def to_workbook(self, target, *, masked: bool = True) -> None:
        columns, rows = self.read()
        write_error_workbook(target, columns=columns, rows=rows, masked=masked)
