"""What every reader gives: a sheet of string cells, as Arrow columns plus its first rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa


@dataclass
class Sheet:
    """One sheet (or the one table of a text file), rows numbered from 1 as a spreadsheet shows.

    `table` holds every row as string columns c0..cN, with `row_number` and `extra_cells`
    (cells beyond the header's width in a text file, else null), and in a damaged text file
    `damaged` (why the row cannot be trusted, else null), built in C++ or Rust: a
    Python loop over every cell would cost more than the parse. `rows` holds the first rows
    as Python lists, for finding the header.
    """

    name: str
    rows: list[list[str]]
    table: pa.Table
    # what the reader had to repair to read the sheet (shown with the ingest's result)
    warnings: list[str] = field(default_factory=list)


HEAD_ROWS = 30


def sheet_from_table(name: str, table: pa.Table, *, first_row: int = 1) -> Sheet:
    """A Sheet from a table of string columns in sheet order, its first row numbered `first_row`."""
    if "row_number" not in table.column_names:
        table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
        numbers = range(first_row, first_row + table.num_rows)
        table = table.append_column("row_number", pa.array(numbers, type=pa.int64()))
    if "extra_cells" not in table.column_names:
        table = table.append_column("extra_cells", pa.nulls(table.num_rows, type=pa.string()))
    cells = [c for c in table.column_names if c.startswith("c")]
    head = table.select(cells).slice(0, HEAD_ROWS).to_pylist()
    rows = [["" if v is None else v for v in row.values()] for row in head]
    return Sheet(name=name, rows=rows, table=table)
