"""The outcome of an import, shared by every importer (regions, rosters, later lists)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bastion.core.tabular import RowError


class ImportMode:
    ALL_OR_NOTHING = "all_or_nothing"  # any rejected row: nothing is written
    VALID_ROWS = "valid_rows"  # write the valid rows, report the rejected ones


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do). Counts are rows of the file."""

    dry_run: bool
    rows_read: int = 0
    created: int = 0
    merged: int = 0  # matched an existing record (updated or unchanged)
    rejected: int = 0
    committed: bool = False
    errors: list[RowError] = field(default_factory=list)  # capped; see error_count
    error_count: int = 0
    file_error: str = ""  # the whole file was unreadable; nothing was written
    conflicts: list[dict] = field(
        default_factory=list
    )  # existing value kept vs file value (masked)
    preview: list[dict] = field(default_factory=list)  # first rows with their action, masked
    mode: str = ""  # ImportMode of the run
    notes: list[str] = field(default_factory=list)  # rows skipped on purpose (totals rows)

    MAX_ERRORS_KEPT = 1000

    def reject(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < self.MAX_ERRORS_KEPT:
            self.errors.append(error)

    @property
    def ok(self) -> bool:
        return not self.file_error and self.error_count == 0

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "created": self.created,
            "merged": self.merged,
            "rejected": self.rejected,
            "committed": self.committed,
            "error_count": self.error_count,
            "file_error": self.file_error,
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in self.errors
            ],
            "conflicts": self.conflicts,
            "preview": self.preview,
            "mode": self.mode,
            "notes": self.notes,
        }

    def skip_totals_row(self, row: int) -> None:
        """Note a totals row (合计/总计/小计) that was left out: not a person, not an error."""
        from django.utils.translation import gettext as _

        if len(self.notes) < self.MAX_ERRORS_KEPT:
            self.notes.append(_("第%(row)d行是合计行，已跳过") % {"row": row})


def nothing_to_import_message() -> str:
    """The file error of a file with a header and no data rows."""
    from django.utils.translation import gettext as _

    return _("文件中只有表头，没有可导入的数据行")
