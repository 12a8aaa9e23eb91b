"""Reading field spreadsheets (.csv, .xlsx) row by row, and writing error workbooks.
`read_table` maps the file's headers (with their common variants) to canonical
column keys and yields `(row_number, values)` where row_number is the row as the
user sees it in Excel (the header is row 1). File-level problems raise TableError
with a message for the user; row-level problems are the caller's to report as
RowError(row, column, message). One module per concern: columns and errors, raw
rows of the file formats, cell texts, reading a table, and the error workbook.
"""

from bastion.core.tabular.cells import (
    extract,
    is_totals_row,
)
from bastion.core.tabular.columns import (
    Column,
    RowError,
    TableError,
)
from bastion.core.tabular.errorbook import (
    SealedErrorRows,
    write_error_workbook,
)
from bastion.core.tabular.reading import (
    Table,
    open_table,
    read_table,
)

__all__ = [
    "TableError",
    "RowError",
    "Column",
    "Table",
    "open_table",
    "read_table",
    "extract",
    "is_totals_row",
    "write_error_workbook",
    "SealedErrorRows",
]
