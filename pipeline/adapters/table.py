"""Turn the sheets of one export into a single Arrow table of canonical raw text columns."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.adapters import RAW_FIELDS, PlatformSpec, detect_platform, platform_specs
from pipeline.adapters.item_rows import attach_item_rows
from pipeline.adapters.other_reports import recognise_other_report
from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.readers import Sheet
from pipeline.text import normalize_header

HEADER_SEARCH_ROWS = 30
# Excel's own limit for one cell. A longer cell cannot come from a spreadsheet export: the row
# is damaged (a lost quote that swallowed the rest of the file, a pasted blob) and is rejected.
MAX_CELL_CHARS = 32_767
# eBay's report ends with a record count, in one cell ("4 record(s) downloaded") or over several
# ("4", "record(s) downloaded", "from Sep-01-26 to Sep-30-26"), and a "Seller ID : name" line.
_EBAY_TRAILER = re.compile(r"^\s*(\d+\s+record\(s\)\s+downloaded|seller\s+id\s*:)", re.I)
_EBAY_TRAILER_COUNT = re.compile(r"^\s*\d+\s*$")
# Spreadsheet tricks that keep a long id as text: ="2046118233571902438" (Taobao) or '8180...
_TEXT_ID_WRAPPER = r'^(?:="(.*)"|=(\d+)|\'(.*))$'
ID_FIELDS = ("order_id", "tracking_number", "item_id")


@dataclass
class RawExport:
    """One export file's rows, columns renamed to canonical fields, cells still text."""

    path: Path
    platform: str
    table: pa.Table | None
    sheet_count: int = 1
    warnings: list[str] = field(default_factory=list)
    # (sheet, row number, order id, reason) for rows the reader could not take at all
    unreadable: list[tuple[str, int, str | None, str]] = field(default_factory=list)
    rows_in_table: int = 0

    @property
    def rows_read(self) -> int:
        return self.rows_in_table + len(self.unreadable)


def _header_row(rows: list[list[str]], choose) -> tuple[int, list[str], str] | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [normalize_header(c) for c in row]
        if sum(1 for h in headers if h) < 2:
            continue
        platform = choose(headers)
        if platform:
            return index, headers, platform
    return None


def _is_blank(row: list[str]) -> bool:
    return not "".join(row).strip()


def _trimmed(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    array = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


def build_raw_export(
    path: Path,
    sheets: list[Sheet],
    *,
    platform: str | None = None,
    spec: PlatformSpec | None = None,
) -> RawExport:
    """Find each sheet's header row, check the platform, and keep the canonical columns."""
    specs = platform_specs()
    if spec is None and platform is not None:
        spec = specs[platform]

    def choose(headers: list[str]) -> str | None:
        if spec is not None:
            return spec.name if not spec.missing_required(headers) else None
        return detect_platform(headers)

    parts: list[pa.Table] = []
    export = RawExport(path=path, platform=spec.name if spec else "", table=pa.table({}))
    unmatched: list = []  # sheets without an order header row, to explain why
    for sheet in sheets:
        export.warnings.extend(sheet.warnings)
        if all(_is_blank(r) for r in sheet.rows):
            if sheet.table.num_rows > len(sheet.rows):
                export.warnings.append(
                    _("sheet {sheet!r} starts with {count} blank rows and was skipped",
                      sheet=sheet.name, count=len(sheet.rows))
                )
            continue
        found = _header_row(sheet.rows, choose)
        if found is None:
            unmatched.append(sheet)
            export.warnings.append(
                _("sheet {sheet!r} has no order header row and was skipped", sheet=sheet.name)
            )
            continue
        index, headers, name = found
        if spec is not None and spec.name == "generic":
            _refuse_unmapped_columns(path, spec, headers, sheet.rows[index])
        if export.platform and export.platform != name:
            raise InputError(
                _("sheet {sheet!r} looks like a {platform} export but an earlier sheet is {earlier}",
                  sheet=sheet.name, platform=name, earlier=export.platform),
                path=path,
                fix=_("split the sheets into separate files, one platform each"),
            )
        export.platform = name
        table = _sheet_table(export, sheet, index, headers, spec or specs[name])
        parts.append(
            table.append_column(
                "source_sheet_no", pa.array([len(parts)] * table.num_rows, type=pa.int32())
            )
        )
    if not parts:
        raise _no_header_error(path, spec, unmatched, several_sheets=len(sheets) > 1)
    export.table = _with_item_rows(export, pa.concat_tables(parts), spec or specs[export.platform])
    export.rows_in_table = export.table.num_rows
    export.sheet_count = len(parts)
    return export


def _refuse_unmapped_columns(path: Path, spec: PlatformSpec, headers: list[str], cells: list[str]) -> None:
    """A mapping that names a column the file does not have is mistyped: refuse it rather than
    read that field as empty in every row (a typo in paid_at would make every order unpaid)."""
    found = spec.columns(headers)
    missing = [name for name in spec.aliases if name not in found]
    if not missing:
        return
    named = ", ".join(f"{name} = {spec.first_spelling(name)!r}"[:80] for name in missing)
    have = ", ".join(str(c).strip() for c in cells if str(c).strip())[:300]
    raise InputError(
        _("the mapping file names column(s) the file does not have: {named} (the file's columns: {have})",
          named=named, have=have),
        path=path,
        fix=_("correct the column names in the mapping file's [columns] table"),
    )


def _with_item_rows(export: RawExport, table: pa.Table, spec: PlatformSpec) -> pa.Table:
    """Item rows take their order's cells (across sheets too: a large .xls splits anywhere);
    rows that belong to no order are rejected with the reason."""
    if spec.item_rows is None:
        return table.append_column("line_no", pa.nulls(table.num_rows, type=pa.int64()))
    attached = attach_item_rows(table, spec.item_rows)
    if not attached.orphans:
        return attached.table
    for index, reason in attached.orphans:
        export.unreadable.append(
            (table.column("source_sheet")[index].as_py(), table.column("source_row")[index].as_py(),
             None, reason)
        )
    keep = np.ones(table.num_rows, dtype=bool)
    keep[[index for index, _reason in attached.orphans]] = False
    return attached.table.filter(pa.array(keep))


def _row_number(sheet, index: int) -> int:
    """The row number a spreadsheet shows for the sheet's `index`-th first row."""
    return sheet.table.column("row_number")[index].as_py()


def _header_candidate(sheets: list) -> tuple[str, int, list[str], list[str]] | None:
    """(sheet, row index, normalised cells, cells as written) of the row most like an order
    header: the most cells that some platform's export names, then the most cells with text (not
    a line of dashes)."""
    known = {h for spec in platform_specs().values() for hs in spec.aliases.values() for h in hs}
    best, best_score = None, (0, 0)
    for sheet in sheets:
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            headers = [normalize_header(c) for c in row]
            texts = [h for h in headers if h and any(ch.isalnum() for ch in h)]
            score = (sum(1 for h in texts if h in known), len(texts))
            if score > best_score:
                shown = [str(c).strip().splitlines()[0] if str(c).strip() else "" for c in row]
                best, best_score = (sheet.name, index, headers, shown), score
    return best


def _no_header_error(
    path: Path, spec: PlatformSpec | None, sheets: list, *, several_sheets: bool
) -> InputError:
    for sheet in sheets:
        other = recognise_other_report(sheet.rows[:HEADER_SEARCH_ROWS])
        if other is not None:
            index, what, where = other
            return InputError(what, path=path, row=_row_number(sheet, index),
                              sheet=sheet.name if several_sheets else None, fix=where)
    candidate = _header_candidate(sheets)
    seen = candidate[2] if candidate else []
    row = None
    sheet_name = None
    if candidate:
        sheet = next(s for s in sheets if s.name == candidate[0])
        row = _row_number(sheet, candidate[1])
        sheet_name = candidate[0] if several_sheets else None
    shown = ", ".join(h for h in (candidate[3] if candidate else []) if h)[:300] or _("no headers at all")
    if spec is None and seen:
        likely = max(platform_specs().values(), key=lambda s: s.score(seen))
        if likely.score(seen) >= 2:
            spec = likely
    if spec is not None:
        missing = spec.missing_required(seen)
        wanted = ", ".join(spec.first_spelling(m) for m in missing) or _("the required columns")
        fix = _("export the full order report from the back-end, or fix the column names")
        if spec.name == "ebay":
            fix = _("open Seller Hub > Orders > Download report, choose Customize, switch {columns} back "
                    "on (sellers can hide columns there), and download the report again",
                    columns=wanted)  # fmt: skip
        elif spec.name == "shopify":
            fix = _("export the orders again from Shopify admin > Orders > Export, as a plain CSV file")
        return InputError(
            _("the {platform} export is missing required column(s) {columns} (the header row most like "
              "its export has: {found})", platform=spec.name, columns=wanted, found=shown),
            path=path,
            row=row,
            sheet=sheet_name,
            fix=fix,
        )  # fmt: skip
    return InputError(
        _("the headers match no known platform export (the row most like a header has: {found})",
          found=shown),
        path=path,
        row=row,
        sheet=sheet_name,
        fix=_(
            "give --platform aliexpress|ebay|1688|shopify|taobao if it is one of them, or describe "
            "the file with a mapping file and use --platform generic --mapping FILE"
        ),
    )


def _without_blank_rows(table: pa.Table, found: dict[str, int]) -> pa.Table:
    """Rows with nothing in any column we read are blank lines, not orders."""
    present = [table.column(name) for name in RAW_FIELDS if name in found]
    if not present or not table.num_rows:
        return table
    blank = pc.is_null(present[0])
    for array in present[1:]:
        blank = pc.and_(blank, pc.is_null(array))
    if pc.any(blank).as_py():
        table = table.filter(pc.invert(blank))
    return table


def _sheet_table(
    export: RawExport, sheet: Sheet, header_index: int, headers: list[str], spec: PlatformSpec
) -> pa.Table:
    """The sheet's rows below its header as canonical columns, all in Arrow (no Python rows)."""
    found = spec.columns(headers)
    # rows come sorted by row number: the body is a zero-copy slice, not a filtered copy
    above = pc.sum(pc.less_equal(sheet.table.column("row_number"), header_index + 1)).as_py() or 0
    body = sheet.table.slice(above)
    first = body.column("c0") if body.num_rows else None
    if first is not None:
        trailer = pc.match_substring_regex(first, _EBAY_TRAILER.pattern, ignore_case=True)
        trailer = pc.fill_null(trailer, False)
        count = pc.fill_null(pc.match_substring_regex(first, _EBAY_TRAILER_COUNT.pattern), False)
        if "c1" in body.column_names and pc.any(count).as_py():  # a bare number in the first cell
            words = pc.match_substring(body.column("c1"), "record(s) downloaded", ignore_case=True)
            trailer = pc.or_(trailer, pc.fill_null(pc.and_(count, words), False))
        if pc.any(trailer).as_py():
            body = body.filter(pc.invert(trailer))
    if "damaged" in body.column_names:
        damaged = pc.is_valid(body.column("damaged"))
        if pc.any(damaged).as_py():
            order_col = found.get("order_id")
            for row in body.filter(damaged).to_pylist():
                order_id = (row[f"c{order_col}"] or "").strip() if order_col is not None else ""
                export.unreadable.append((sheet.name, row["row_number"], order_id or None, row["damaged"]))
            body = body.filter(pc.invert(damaged))
    wide = _shifted_rows(sheet, header_index, body)
    if pc.any(wide).as_py():
        order_col = found.get("order_id")
        header_cells = len(sheet.rows[header_index])
        for row in body.filter(wide).to_pylist():
            order_id = (row[f"c{order_col}"] or "").strip() if order_col is not None else ""
            cells = row.get("n_cells")
            if cells:
                reason = _("the row has {cells} cells where the header has {header}: cells have shifted, "
                           "check for an unquoted comma or tab", cells=cells, header=header_cells)
            else:
                reason = _("the row has more cells than the header: cells have shifted, check for an "
                           "unquoted comma or tab")
            export.unreadable.append((sheet.name, row["row_number"], order_id or None, reason))
        body = body.filter(pc.invert(wide))
    body = _without_oversized_cells(export, sheet.name, body, found, headers)
    # Arrow's kernels let go of the GIL: trimming the columns two at a time uses both cores.
    present = [name for name in RAW_FIELDS if name in found]
    with ThreadPoolExecutor(max_workers=2) as pool:
        columns = pool.map(lambda name: _trimmed(body.column(f"c{found[name]}")), present)
        trimmed = dict(zip(present, columns, strict=True))
    for name in ID_FIELDS:
        if name in trimmed:
            trimmed[name] = _unwrapped_id(trimmed[name])
    arrays = {name: trimmed.get(name, pa.nulls(body.num_rows, type=pa.string())) for name in RAW_FIELDS}
    arrays["source_sheet"] = pa.array([sheet.name] * body.num_rows, type=pa.string())
    arrays["source_row"] = body.column("row_number")
    return _without_blank_rows(pa.table(arrays), found)


def _unwrapped_id(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """An id written as a formula or with a text mark (="2046...", '8180...) is the id itself."""
    marked = pc.or_(pc.starts_with(array, "="), pc.starts_with(array, "'"))
    if not pc.any(pc.fill_null(marked, False)).as_py():  # the usual case: one cheap pass
        return array
    wrapped = pc.fill_null(pc.match_substring_regex(array, _TEXT_ID_WRAPPER), False)
    if not pc.any(wrapped).as_py():
        return array
    bare = pc.replace_substring_regex(array, _TEXT_ID_WRAPPER, r"\1\2\3")
    return pc.if_else(wrapped, _trimmed(bare), array)


def _shifted_rows(sheet: Sheet, header_index: int, body: pa.Table) -> pa.Array:
    """Rows of a text file whose cells have shifted against the header (an unquoted comma).

    Cells beyond the widest of the first rows always hold something there (`extra_cells`).
    A row merely longer than the header is shifted too unless nearly every row is (a writer
    that pads every row): its displaced last cells may all be empty, yet every cell after the
    break sits in the wrong column. When nine rows in ten or more are longer alike, only those
    with text beyond the header's last column are.
    """
    wide = pc.is_valid(body.column("extra_cells"))
    if "n_cells" not in body.column_names or not body.num_rows:
        return wide
    header_cells = len(sheet.rows[header_index])
    longer = pc.greater(body.column("n_cells"), header_cells)
    count = pc.sum(longer).as_py() or 0
    if not count:
        return wide
    blank_lines = pc.and_(
        pc.equal(body.column("n_cells"), 1),
        pc.fill_null(pc.equal(pc.utf8_trim_whitespace(body.column("c0")), ""), True),
    )
    rows = body.num_rows - (pc.sum(blank_lines).as_py() or 0)
    if count * 10 < rows * 9:
        return pc.or_(wide, longer)
    beyond = [f"c{i}" for i in range(header_cells, body.num_columns) if f"c{i}" in body.column_names]
    text = pa.array([False] * body.num_rows)
    for name in beyond:
        filled = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(body.column(name)), ""), False)
        text = pc.or_(text, filled)
    return pc.or_(wide, pc.and_(longer, text))


def _without_oversized_cells(
    export: RawExport, sheet_name: str, body: pa.Table, found: dict[str, int], headers: list[str]
) -> pa.Table:
    """Rows with a read cell longer than a spreadsheet cell can be are unreadable, not data."""
    columns = sorted(set(found.values()))
    if not body.num_rows or not columns:
        return body
    lengths = {c: pc.utf8_length(body.column(f"c{c}")) for c in columns}
    over = None
    for array in lengths.values():
        big = pc.fill_null(pc.greater(array, MAX_CELL_CHARS), False)
        over = big if over is None else pc.or_(over, big)
    if not pc.any(over).as_py():
        return body
    order_col = found.get("order_id")
    for index in pc.indices_nonzero(over).to_pylist():
        column = next(c for c in columns if (lengths[c][index].as_py() or 0) > MAX_CELL_CHARS)
        order_id = None
        if order_col is not None and column != order_col:
            order_id = (body.column(f"c{order_col}")[index].as_py() or "").strip() or None
        header = (headers[column] if column < len(headers) and headers[column]
                  else _("column {number}", number=column + 1))
        export.unreadable.append(
            (
                sheet_name,
                body.column("row_number")[index].as_py(),
                order_id,
                _("the {header} cell holds {length:,} characters, more than a spreadsheet cell can "
                  "({limit:,}): the row is damaged",
                  header=header, length=lengths[column][index].as_py(), limit=MAX_CELL_CHARS),
            )
        )
    return body.filter(pc.invert(over))
