"""Import of party-member rosters (.xlsx / .csv), on the foundation's import stack, one
module per step: reading the columns, the import run, and the uploaded file between
upload, preview and run. Each row registers (or merges into) the person through
`people.services.person_link_or_register` and enrolls them with `member_enroll`, so an
import writes exactly what the forms do. A row for someone already a member of that
organization is skipped, not rejected. The run is one transaction: a dry run, or an
all-or-nothing run with a rejected row, rolls back at the end, so the preview is exactly
what the import will do; "valid rows only" writes the rows that pass. Rejected rows go
to an error workbook."""

from bastion.party.services.memberimport.importer import (
    ACTION_LABELS,
    PREVIEW_ROWS,
    MemberImportReport,
    member_import,
)
from bastion.party.services.memberimport.jobs import (
    IMPORT_SUFFIXES,
    may_import,
    member_import_error_workbook,
    member_import_execute,
    member_import_preview,
    member_import_source,
    member_import_upload,
)
from bastion.party.services.memberimport.parsing import (
    COLUMNS,
    DATE_FORMATS,
    FIELD_COLUMN,
    LABELS,
    NO,
    STATUS_WORDS,
    YES,
)

__all__ = [
    "COLUMNS",
    "LABELS",
    "FIELD_COLUMN",
    "YES",
    "NO",
    "STATUS_WORDS",
    "DATE_FORMATS",
    "PREVIEW_ROWS",
    "IMPORT_SUFFIXES",
    "ACTION_LABELS",
    "MemberImportReport",
    "member_import",
    "member_import_upload",
    "member_import_source",
    "member_import_preview",
    "member_import_execute",
    "member_import_error_workbook",
    "may_import",
]
