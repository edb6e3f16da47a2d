"""CSV and tab-separated text in any of the encodings Chinese and Western Excel save.

Parsed by pyarrow's C++ CSV reader (quoted cells may span lines): Python's csv module reads
about 60,000 rows/s, pyarrow over 300,000. Rows whose cell count differs from the header's are
handed back by pyarrow and dealt with here, so that none is dropped silently.
"""

from __future__ import annotations

import csv
import io
import re
import struct
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.readers.sheet import Sheet

csv.field_size_limit(1 << 30)

HEAD_BYTES = 1 << 18
HEAD_RECORDS = 30
# A run of this many zero bytes is never text: the file was zero-filled by a download cut short
# or a damaged disk, and rows after it are lost. (UTF-16 text never has more than three.)
ZERO_RUN = 512
# A text file whose one record is larger than pyarrow's block is parsed again in one block of
# the file's size, up to this size; beyond it the file is refused.
MAX_ONE_BLOCK = 1 << 30
BLOCK_SIZE = 1 << 24
QUOTE_MARK = re.compile(b'"')
QUOTE_MARK_TEXT = re.compile('"')
# Whitespace-only lines are dropped before the parse when the file may hold this many (each
# would otherwise be a short row, handled one by one in Python: 2 M of them took 48 s, 1.9 GB).
MANY_BLANK_LINES = 1000
_SCAN = 1 << 23  # bytes per step of the blank-line scan


def sniff_encoding(raw: bytes, path: Path) -> str:
    """BOMs first, then UTF-16 by its NULs, then UTF-8, then GB18030 (a superset of GBK)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        # The BOM says UTF-8; a cell pasted from elsewhere may still hold other bytes.
        return "utf-8-sig" if _is_utf8(raw) else "utf-8-repaired"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = raw[:4096]
    if head.count(b"\x00") > len(head) // 4:
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    if _is_utf8(raw):
        return "utf-8"
    if mostly_utf8(raw):
        return "utf-8-repaired"
    try:
        raw.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    raise InputError(
        _("the file is neither UTF-8, UTF-16 nor GBK/GB18030 text, nor an Excel workbook"),
        path=path,
        fix=_("export it again as .xlsx or .csv from the seller back-end"),
    )


def _is_utf8(raw: bytes) -> bool:
    """Valid UTF-8, checked by Arrow's validator over the bytes as they are (0.06 s for a
    159 MiB export; Python's decoder took 0.32 s and builds the string)."""
    offsets = pa.py_buffer(struct.pack("<qq", 0, len(raw)))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(raw)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def mostly_utf8(raw: bytes) -> bool:
    """UTF-8 text with a few stray bytes (a cell pasted from a GBK source): GBK text read as
    UTF-8 fails at nearly every Chinese character, UTF-8 text here at a handful of bytes."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return good >= 20 * bad


def _zero_run(raw: bytes, path: Path) -> None:
    at = raw.find(b"\x00" * ZERO_RUN)
    if at < 0:
        return
    end = at + ZERO_RUN
    while end < len(raw) and raw[end] == 0:
        end += 1
    if end == len(raw):
        problem = _("the file holds {count:,} zero bytes at its end where text should be: it is "
                    "damaged or its download was cut short, and rows may be missing", count=end - at)
    else:
        problem = _("the file holds {count:,} zero bytes from byte {at:,} where text should be: it "
                    "is damaged or its download was cut short, and rows may be missing",
                    count=end - at, at=at)
    raise InputError(
        problem,
        path=path,
        fix=_("export it again from the seller back-end and ingest the new file"),
    )


def _as_utf8(raw: bytes, path: Path) -> tuple[bytes, list[str]]:
    """The file's text as UTF-8 bytes without NULs, and what had to be repaired."""
    _zero_run(raw, path)
    warnings: list[str] = []
    encoding = sniff_encoding(raw, path)
    if encoding == "utf-8-repaired":
        text = raw.decode("utf-8-sig", errors="replace")
        warnings.append(
            _("{count:,} bytes are not UTF-8 text (a cell pasted from another encoding?) and were "
              "read as \ufffd: check the cells that show it", count=text.count(chr(0xFFFD)))
        )
        raw = text.encode("utf-8")
    elif encoding == "utf-8-sig":
        raw = raw[3:]
    elif encoding != "utf-8":
        raw = raw.decode(encoding, errors="replace").encode("utf-8")
    nuls = raw.count(b"\x00")
    if nuls:
        raw = raw.replace(b"\x00", b"")
        warnings.append(_("{count:,} NUL bytes inside the text were removed", count=nuls))
    return raw, warnings


def _looks_binary(text: str) -> bool:
    """Random bytes hold about 20 % control characters; a text export only the few a buyer
    pasted into a cell (which can be 1 % of a small file)."""
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return bool(sample) and controls > len(sample) // 10


def _delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in (",", "\t", ";")}
            return max(counts, key=counts.get)  # type: ignore[arg-type]
    return ","


def _head_records(text: str, delimiter: str, complete: bool) -> list[list[str]]:
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not complete and records:
        records.pop()  # the head was cut mid-record
    return records[:HEAD_RECORDS]


def _header_width(records: list[list[str]]) -> int:
    """The widest of the first records: the header row has a cell for every column."""
    return max((len(r) for r in records), default=0)


def read_delimited(path: Path) -> list[Sheet]:
    """One sheet: the first records as rows, every record as an Arrow table."""
    raw, warnings = _as_utf8(path.read_bytes(), path)
    head_text = raw[:HEAD_BYTES].decode("utf-8", errors="ignore")
    if _looks_binary(head_text):
        raise InputError(
            _("this is not a spreadsheet or text export (it holds binary data)"),
            path=path,
            fix=_("ingest the .xls, .xlsx or .csv file exported from the seller back-end"),
        )
    if not head_text.strip():
        raise InputError(
            _("the file holds no rows"),
            path=path,
            fix=_("export the orders again from the seller back-end and ingest the new file"),
        )
    delimiter = _delimiter(head_text)
    try:
        head = _head_records(head_text, delimiter, complete=len(raw) <= HEAD_BYTES)
    except csv.Error as exc:
        raise InputError(
            _("the text cannot be read as CSV ({error})", error=exc),
            path=path,
            fix=_("open it in Excel and save it again as CSV or .xlsx"),
        ) from None
    if not head:
        raise InputError(
            _("the file's first line is longer than {kib} KiB: it is not an order export "
              "(a header row is a few hundred characters)", kib=HEAD_BYTES >> 10),
            path=path,
            fix=_("export the orders again from the seller back-end and ingest the new file"),
        )
    width = _header_width(head)
    table = _parse_all(raw, path, delimiter, width)
    return [Sheet(name=path.stem, rows=head, table=table, warnings=warnings)]


def _parse_all(raw: bytes, path: Path, delimiter: str, width: int) -> pa.Table:
    """Every record as `width` string columns and its record number; odd rows padded."""
    names = [f"c{i}" for i in range(width)]
    odd: list[tuple[int, str]] = []
    original = raw  # quote checks and line numbers refer to the file as it is
    raw, dropped = _without_blank_lines(raw, delimiter)

    def keep_odd(row) -> str:
        odd.append((row.number, row.text))
        return "skip"

    block_size = BLOCK_SIZE
    try:
        # On both cores: pyarrow then cannot number odd rows, so a file with any is parsed
        # again on one (measured 0.38 s against 0.46 to 0.87 s for 300,000 rows).
        table = _read_csv(raw, names, delimiter, keep_odd, block_size, threads=True)
        if odd:
            odd.clear()
            table = _read_csv(raw, names, delimiter, keep_odd, block_size, threads=False)
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc):
            raise _unreadable(path, exc) from None
        # One record is larger than a block: a cell of many MB. Parse again in one block so
        # that the other rows are read and the adapter can reject the damaged one.
        if len(raw) > MAX_ONE_BLOCK:
            raise InputError(
                _("a single row is larger than {mib} MiB, and the file too large to read in one piece",
                  mib=BLOCK_SIZE >> 20),
                path=path,
                fix=_("open it in Excel to find the damaged row, or export the orders again"),
            ) from None
        odd.clear()
        block_size = len(raw) + 1
        try:
            table = _read_csv(raw, names, delimiter, keep_odd, block_size, threads=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as again:
            raise _unreadable(path, again) from None
    except pa.ArrowTypeError as exc:
        raise _unreadable(path, exc) from None
    garbled: dict[int, str] = {}
    if odd or raw.count(b'"') % 2 or _some_cell_holds_a_quote(table, names):
        # Only a file with a stray quote mark (or a cell quoting one) gets here, so the slow
        # exact check costs a well-formed export nothing.
        garbled = _check_quotes(original, path, delimiter)
    total = table.num_rows + len(odd)
    numbers = np.arange(1, total + 1, dtype=np.int64)
    odd_numbers = np.array([number for number, _text in odd], dtype=np.int64)
    if odd:
        numbers = numbers[~np.isin(numbers, odd_numbers)]
    if dropped is not None and dropped.size:
        # record numbers of the parsed text -> of the file, counting the lines dropped
        kept = np.ones(total + dropped.size, dtype=bool)
        kept[dropped] = False
        record = np.flatnonzero(kept) + 1
        numbers = record[numbers - 1]
        odd = [(int(n), text) for n, (_n, text) in zip(record[odd_numbers - 1], odd, strict=True)]
    table = table.append_column("row_number", pa.array(numbers, type=pa.int64()))
    table = table.append_column("extra_cells", pa.nulls(table.num_rows, type=pa.string()))
    # How many cells each record had, so that the adapter can compare it with the header row's.
    table = table.append_column("n_cells", pa.array(np.full(table.num_rows, width, dtype=np.int32)))
    if odd:
        table = _with_odd_rows(table, odd, names, delimiter, width)
    if garbled:
        # The adapter rejects these rows with the reason given (Sheet's `damaged` column).
        reasons = [garbled.get(n) for n in table.column("row_number").to_pylist()]
        table = table.append_column("damaged", pa.array(reasons, type=pa.string()))
    return table


_BLANK_ENDS = (b"\n\n", b"\n ", b"\n\t", b"\n\r", b"\r\r", b"\r ", b"\r\t")
_SAMPLES, _SAMPLE_BYTES = 16, 1 << 18


def _blank_line_estimate(raw: bytes) -> int:
    """About how many whitespace-only lines the text has: counted in a small file, estimated
    from 16 samples spread over a large one (counting all of a 150 MB export cost 1 s, a fifth
    of its ingest). A few blank lines the samples miss are dropped later at no real cost; it
    is millions of them that need the scan."""
    if len(raw) <= _SAMPLES * _SAMPLE_BYTES * 4:
        return sum(raw.count(end) for end in _BLANK_ENDS)
    step = (len(raw) - _SAMPLE_BYTES) // (_SAMPLES - 1)
    found = 0
    for k in range(_SAMPLES):  # the first and the last sample reach the file's two ends
        piece = raw[k * step : k * step + _SAMPLE_BYTES]
        found += sum(piece.count(end) for end in _BLANK_ENDS)
    return found * len(raw) // (_SAMPLES * _SAMPLE_BYTES)


def _without_blank_lines(raw: bytes, delimiter: str) -> tuple[bytes, np.ndarray | None]:
    """The text without its whitespace-only lines (outside quoted cells, after the first
    HEAD_RECORDS records, which the header search sees), and the 0-based record numbers of
    those dropped; `raw` itself and None when it has few. Vectorised: no loop per line."""
    if _blank_line_estimate(raw) < MANY_BLANK_LINES:
        return raw, None
    arr = np.frombuffer(raw, dtype=np.uint8)
    size = len(raw)
    breaks = np.concatenate([_line_breaks(arr[at : at + _SCAN + 1], at) for at in range(0, size, _SCAN)])
    if b'"' in raw:
        breaks = breaks[~_in_quoted_cells(raw, arr, breaks, delimiter)]
    starts = np.concatenate([[0], breaks + 1])
    starts = starts[starts < size]  # after a final line break there is no record
    content = np.zeros(starts.size, dtype=bool)
    for at in range(0, size, _SCAN):
        chunk = arr[at : at + _SCAN]
        solid = (chunk != 32) & (chunk != 9) & (chunk != 13) & (chunk != 10)
        first = np.searchsorted(starts, at, side="right") - 1
        last = np.searchsorted(starts, at + chunk.size, side="left")
        # the record the chunk starts in, then those starting inside it (all after its start)
        local = np.concatenate([[0], starts[first + 1 : last] - at])
        owners = np.searchsorted(starts, local + at, side="right") - 1
        content[owners] |= np.logical_or.reduceat(solid, local)
    blank = np.flatnonzero(~content)
    blank = blank[blank >= HEAD_RECORDS]
    if not blank.size:
        return raw, None
    # Cut out runs of blank records: one slice per run, not per line.
    run_start = blank[np.concatenate([[True], np.diff(blank) > 1])]
    run_end = blank[np.concatenate([np.diff(blank) > 1, [True]])] + 1
    bounds = np.append(starts, size)
    cut_from, cut_to = bounds[run_start], bounds[run_end]
    keep_from = np.concatenate([[0], cut_to])
    keep_to = np.concatenate([cut_from, [size]])
    view = memoryview(raw)
    text = b"".join(view[a:b] for a, b in zip(keep_from.tolist(), keep_to.tolist(), strict=True))
    return text, blank


def _line_breaks(chunk: np.ndarray, at: int) -> np.ndarray:
    """Where lines end in arr[at : at + _SCAN] (`chunk` holds one byte more): at each \\n, and at
    each \\r not followed by \\n, as the CSV parser sees them."""
    body = chunk[:_SCAN]
    lone_cr = body == 13
    following = np.append(chunk[1:], 0) if chunk.size <= _SCAN else chunk[1:]
    lone_cr &= following[: body.size] != 10
    return np.flatnonzero((body == 10) | lone_cr) + at


def _in_quoted_cells(raw: bytes, arr: np.ndarray, breaks: np.ndarray, delimiter: str) -> np.ndarray:
    """Which line breaks lie inside a quoted cell (a product list over several lines), as the
    CSV parser reads the quotes: by parity when every quote mark opens a cell, closes one or is
    doubled (a well-formed file), else by walking the quote marks."""
    quotes = np.flatnonzero(arr == 34)
    cell_edge = (ord(delimiter), 10, 13)
    before = np.where(quotes > 0, arr[np.maximum(quotes - 1, 0)], 10)
    after = np.where(quotes < len(raw) - 1, arr[np.minimum(quotes + 1, len(raw) - 1)], 10)
    opens, closes = np.zeros(quotes.size, dtype=bool), np.zeros(quotes.size, dtype=bool)
    opens[0::2], closes[1::2] = True, True
    fine = (opens & (np.isin(before, cell_edge) | (before == 34))) | (
        closes & (np.isin(after, cell_edge) | (after == 34)))  # fmt: skip
    if fine.all():
        return np.searchsorted(quotes, breaks) % 2 == 1
    # A quote mark inside an unquoted cell (12" screen) is text: follow the quotes one by one.
    spans_from, spans_to = [], []
    edges = {delimiter.encode(), b"\n", b"\r"}
    inside, doubled, opened = False, False, 0
    for at in quotes.tolist():
        if doubled:
            doubled = False
        elif not inside:
            if at == 0 or raw[at - 1 : at] in edges:
                inside, opened = True, at
        elif raw[at + 1 : at + 2] == b'"':
            doubled = True
        else:
            inside = False
            spans_from.append(opened)
            spans_to.append(at)
    if inside:
        spans_from.append(opened)
        spans_to.append(len(raw))
    if not spans_from:
        return np.zeros(breaks.size, dtype=bool)
    starts, ends = np.array(spans_from), np.array(spans_to)
    span = np.searchsorted(starts, breaks, side="right") - 1
    return (span >= 0) & (breaks < ends[np.maximum(span, 0)])


def _with_odd_rows(
    table: pa.Table, odd: list[tuple[int, str]], names: list[str], delimiter: str, width: int
) -> pa.Table:
    """Short rows are padded; cells beyond the widest first record are kept in `extra_cells` so
    that the adapter can reject the row if they hold anything. The csv module parses each."""
    extra: dict[str, list] = {n: [] for n in [*names, "row_number", "extra_cells", "n_cells"]}
    for number, text in odd:
        cells = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        extra["n_cells"].append(len(cells))
        beyond = cells[width:]
        cells = cells[:width] + [""] * (width - len(cells))
        for name, cell in zip(names, cells, strict=True):
            extra[name].append(cell)
        extra["row_number"].append(number)
        extra["extra_cells"].append(delimiter.join(beyond) if "".join(beyond).strip() else None)
    padded = pa.table({k: pa.array(v, type=table.schema.field(k).type) for k, v in extra.items()})
    return pa.concat_tables([table, padded]).sort_by("row_number")


def _some_cell_holds_a_quote(table: pa.Table, names: list[str]) -> bool:
    """A quote mark in a value: escaped ("") in a well-formed file, else what a quote that
    closed before its cell ended leaves behind (pyarrow keeps reading the cell as text)."""
    # Searched in each column's value buffer at memchr speed (match_substring, value by
    # value, took 0.33 s on a 300,000-row export). A buffer may hold bytes of rows sliced
    # away; a quote there only costs the exact check.
    for name in names:
        for chunk in table.column(name).chunks:
            data = chunk.buffers()[2]
            if data is not None and QUOTE_MARK.search(data):
                return True
    return False


def _check_quotes(raw: bytes, path: Path, delimiter: str) -> dict[int, str]:
    """Refuse a file where a quoted cell runs on over a line break to the end of the file, or
    to a quote mark that does not end a cell (as a buyer's remark starting with a quote mark
    does): the lines in between would be read into that one cell, and their orders lost
    without a word. A stray quote that closes on its own line only garbles its row, which is
    returned to be rejected; a quoted cell that spans lines and closes properly (a product
    list) is fine. Returns the garbled rows' numbers, each with why.

    Walks the quote marks only, reading what stands either side of each, as pyarrow does:
    a quote opens a cell only at its start, and inside one it ends the cell, stands for
    itself when doubled, or closes the quoting early and the rest of the cell is text."""
    text = raw.decode("utf-8", errors="replace")
    newline = "\n" if "\n" in text else "\r"
    ends = (delimiter, "\r", "\n")
    garbled: dict[int, str] = {}
    opened = -1  # where the open quoted cell starts, -1 when none is open
    quoted_newlines = 0  # line breaks inside the quoted cells closed so far (not record ends)
    doubled = False
    newlines_before, counted_to = 0, 0  # line breaks before counted_to (positions only grow)
    for mark in QUOTE_MARK_TEXT.finditer(text):
        at, end = mark.start(), mark.end()
        if doubled:
            doubled = False
        elif opened < 0:
            if at == 0 or text[at - 1] in ends:
                opened = at
        elif text.startswith('"', end):
            doubled = True
        else:
            inside = text.count(newline, opened, at)
            if not (end == len(text) or text[end] in ends):
                if inside:
                    _refuse_open_quote(path, text, newline, opened, quoted_newlines, last=at)
                # Closed early on its own line: only this row is garbled, its cells possibly
                # shifted while their count still matches the header's.
                newlines_before += text.count(newline, counted_to, opened)
                counted_to = opened
                record = 1 + newlines_before - quoted_newlines
                garbled[record] = _(
                    "a cell starts with a quote mark (\") that closes before the cell ends, so "
                    "the cells after it may have shifted: check the row in the file and export it again"
                )
            quoted_newlines += inside
            opened = -1
    if opened >= 0 and newline in text[opened:].rstrip("\r\n"):
        _refuse_open_quote(path, text, newline, opened, quoted_newlines, last=len(text.rstrip("\r\n")))
    return garbled


def _refuse_open_quote(
    path: Path, text: str, newline: str, opened: int, quoted_newlines: int, *, last: int
) -> None:
    line = 1 + text.count(newline, 0, opened)
    first, final = line + 1, line + text.count(newline, opened, last)
    if final > first:
        what = _("a cell starts with a quote mark (\") that does not close where the cell ends, so lines "
                 "{first:,} to {last:,} of the file would be read into that one cell and the orders on "
                 "them lost", first=first, last=final)  # fmt: skip
    else:
        what = _("a cell starts with a quote mark (\") that does not close where the cell ends, so line "
                 "{first:,} of the file would be read into that one cell and the orders on it lost",
                 first=first)  # fmt: skip
    raise InputError(
        what,
        path=path,
        row=line - quoted_newlines,
        fix=_("open the file in a text editor, remove that quote mark on line {line:,} (or write "
              "it twice, \"\"), save, and ingest the file again; nothing was ingested", line=line),
    )


def _read_csv(
    raw: bytes, names: list[str], delimiter: str, on_odd_row, block_size: int, *, threads: bool
) -> pa.Table:
    return pacsv.read_csv(
        io.BytesIO(raw),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=threads, block_size=block_size),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=on_odd_row,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError(
        _("the text cannot be read as CSV ({error})", error=str(exc).splitlines()[0][:200]),
        path=path,
        fix=_("open it in Excel and save it again as CSV or .xlsx"),
    )
