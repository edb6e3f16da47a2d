"""Size checks for `.xlsx` workbooks (zip archives of XML) before calamine unpacks them.

calamine unpacks every part it reads in full and keeps the shared-strings table and the sheet's
cells in memory, about three times the unpacked XML. A zip bomb (a few MB that unpack to GBs,
e.g. a huge table of repeated shared strings) would make it allocate until the process aborts,
with no message. So the archive's directory is read first and the workbook is refused when its
parts together unpack to more than MAX_WORKBOOK_BYTES, or when a large part is packed tighter
than real spreadsheet XML ever is. The sizes a zip declares may lie, so the start of each large
part is also unpacked here (a megabyte of packed data, output discarded) and checked against
its declared size.

calamine also gives each sheet a grid of every cell from its first to its last cell that holds
a value, whatever lies between: one cell with a value at XFD1048576 (Excel's last) makes it ask
for 17 billion cells (512 GB) and abort the process. So every sheet's cell references are read
first (a streaming scan, numpy over each unpacked megabyte) and a sheet whose grid would hold
more than MAX_SHEET_CELLS cells (or one cell per CELL_BYTES bytes of its XML, when that is
more) is refused. The `<dimension>` a sheet declares is not used: calamine ignores it (tested).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from isal import isal_zlib

from pipeline.errors import InputError
from pipeline.i18n import _

# The parts of one .xlsx workbook together, unpacked. A 300,000-order AliExpress export unpacks
# to about 490 MiB; this is twice that. README, "Limits and settings".
MAX_WORKBOOK_BYTES = 1 << 30
# Real sheet and shared-strings XML packs 5:1 to 30:1; a part above this ratio and above
# SUSPECT_PART_BYTES unpacked is refused as a zip bomb.
MAX_PACKING_RATIO = 200
SUSPECT_PART_BYTES = 64 << 20
# Packed bytes unpacked per large part to check its declared size.
SAMPLE_BYTES = 1 << 20
_STEP = 1 << 20
# A sheet's grid (first to last cell holding a value): a full-height sheet of 32 columns (about
# 1.3 GiB of memory in calamine), or one cell per CELL_BYTES bytes of the sheet's XML (a cell
# with a value takes at least 20), when that is more. README, "Limits and settings".
MAX_SHEET_CELLS = 1_048_576 * 32
CELL_BYTES = 16
# Parts that never hold cells (and the shared strings, which can be large): not scanned.
_NOT_SHEETS = ("sharedstrings.xml", "styles.xml", "calcchain.xml")


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def _too_big(path: Path, size: int) -> InputError:
    return InputError(
        _("the workbook unpacks to {size}, more than storehealth reads "
          "(a workbook may unpack to at most {limit})", size=_mib(size), limit=_mib(MAX_WORKBOOK_BYTES)),
        path=path,
        fix=_("export a shorter date range (or save the orders as .csv) and ingest that file"),
    )


def _bomb(path: Path, detail: str) -> InputError:
    return InputError(
        _("the workbook is not a real spreadsheet: {detail} (a 'zip bomb')", detail=detail),
        path=path,
        fix=_("export the orders again from the seller back-end and ingest the new file"),
    )


def _damaged(path: Path, detail: str) -> InputError:
    return InputError(
        _("the workbook is damaged or truncated and cannot be read ({detail})", detail=detail),
        path=path,
        fix=_("export it again from the seller back-end, or open it in Excel and save a copy"),
    )


def check_xlsx(path: Path) -> None:
    """Raise InputError unless the .xlsx's parts unpack to a size storehealth can read."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(path, str(exc)[:120] or type(exc).__name__) from None
    total = sum(part.file_size for part in parts)
    if total > MAX_WORKBOOK_BYTES:
        raise _too_big(path, total)
    with path.open("rb") as fh:
        for part in parts:
            _check_part(path, fh, part)
    with zipfile.ZipFile(path) as archive:
        for part in parts:
            if _may_hold_cells(part.filename):
                _check_grid(path, archive, part)


def _check_part(path: Path, fh, part: zipfile.ZipInfo) -> None:
    if part.compress_type == zipfile.ZIP_STORED or part.compress_size < 64 << 10:
        return  # stored parts unpack to their packed size; small parts cannot hold a bomb
    if part.compress_type != zipfile.ZIP_DEFLATED:
        return  # calamine refuses other methods itself
    if part.file_size > SUSPECT_PART_BYTES and part.file_size > part.compress_size * MAX_PACKING_RATIO:
        ratio = part.file_size // max(part.compress_size, 1)
        raise _bomb(path, _("its part {part} is packed {ratio:,}:1", part=part.filename, ratio=ratio))
    if part.compress_size > part.file_size + part.file_size // 100 + 1024:
        raise _damaged(path, _("part {part} is larger packed than its declared size", part=part.filename))
    # Unpack the start of the part; stop as soon as it passes its declared size.
    fh.seek(part.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _damaged(path, _("no local header for part {part}", part=part.filename))
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    fh.seek(part.header_offset + 30 + name_length + extra_length)
    packed = fh.read(min(part.compress_size, SAMPLE_BYTES))
    inflater = zlib.decompressobj(-15)
    produced = 0
    try:
        while True:
            out = inflater.decompress(packed, _STEP)
            produced += len(out)
            packed = inflater.unconsumed_tail
            if produced > part.file_size:
                raise _bomb(path, _("its part {part} unpacks to more than the {size:,} bytes it declares",
                                    part=part.filename, size=part.file_size))
            if not packed and len(out) < _STEP:
                break
    except zlib.error as exc:
        raise _damaged(path, _("part {part}: {error}", part=part.filename, error=exc)) from None
    used = min(part.compress_size, SAMPLE_BYTES)
    if used < part.compress_size and produced:
        projected = produced * (part.compress_size / used)
        if projected > MAX_WORKBOOK_BYTES and projected > 4 * part.file_size:
            raise _bomb(path, _("its part {part} would unpack to about {size}, not the {declared:,} bytes "
                                "it declares", part=part.filename, size=_mib(int(projected)),
                                declared=part.file_size))


# Sheet parts above this size are first searched for far references only (_far_refs_in).
EXACT_SCAN_BYTES = 64 << 20
_FAR_REF = re.compile(rb'r="(?:[A-Z]{3}|[D-Z][A-Z]|[A-Z]{1,2}[0-9]{7})')


def _may_hold_cells(name: str) -> bool:
    lower = name.lower()
    if not lower.endswith(".xml") or lower.rsplit("/", 1)[-1] in _NOT_SHEETS:
        return False
    return not lower.startswith(("docprops/", "_rels/", "xl/theme/", "customxml/", "[content_types]"))


def _column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _far_refs_in(path: Path, part: zipfile.ZipInfo) -> bool:
    """Whether a large sheet part holds any reference beyond a plausible export: a column past
    CZ (104) or a row past 999,999. Unpacked with ISA-L (4x zlib's speed) and searched with one
    regex per block: 1.2 s on a 300,000-order export's 489 MiB sheet (0.3 s of it unpacking),
    against 2.7 s for the exact extent. Without such references the grid stays under 105 M
    cells (about 3 GiB for calamine): nothing that aborts, so the exact extent is only worked
    out when one is found."""
    overlap = b""
    for block in _unpacked_blocks(path, part):
        data = overlap + block
        if _FAR_REF.search(data):
            return True
        overlap = data[-16:]
    return False


def _unpacked_blocks(path: Path, part: zipfile.ZipInfo):
    """The part's bytes, unpacked block by block."""
    with path.open("rb") as fh:
        fh.seek(part.header_offset)
        header = fh.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"no local header for {part.filename}")
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        fh.seek(part.header_offset + 30 + name_length + extra_length)
        left = part.compress_size
        inflater = isal_zlib.decompressobj(-15) if part.compress_type == zipfile.ZIP_DEFLATED else None
        while left > 0:
            # small reads unpack fastest (output buffers that stay in cache: 0.3 s for 489 MiB
            # against 0.7 s with 512 KiB reads); _check_part has bounded the packing ratio
            packed = fh.read(min(left, 1 << 16))
            if not packed:
                raise EOFError(f"{part.filename} ends early")
            left -= len(packed)
            yield packed if inflater is None else inflater.decompress(packed)


def _check_grid(path: Path, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Refuse the sheet when calamine's grid of its cells would be far larger than the sheet."""
    try:
        if part.file_size > EXACT_SCAN_BYTES and not _far_refs_in(path, part):
            return
    except (zipfile.BadZipFile, zlib.error, isal_zlib.error, OSError, EOFError, ValueError) as exc:
        raise _damaged(path, _("part {part}: {error}", part=part.filename, error=str(exc)[:120])) from None
    limit = max(MAX_SHEET_CELLS, part.file_size // CELL_BYTES)
    extent = _Extent()
    carry = b""
    try:
        with archive.open(part) as stream:
            while block := stream.read(_STEP):
                data = carry + block
                cut = data.rfind(b"<")  # every tag before the last `<` is whole
                if cut <= 0:
                    carry = data
                    continue
                extent.add(data[:cut])
                carry = data[cut:]
                if extent.cells() > limit:
                    break
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise _damaged(path, _("part {part}: {error}", part=part.filename, error=str(exc)[:120])) from None
    extent.add(carry)
    if extent.cells() > limit:
        raise InputError(
            _("the cells with a value in sheet part {part} reach as far as {last}, far beyond what "
              "its data fills: reading it would take a grid of {cells:,} cells, more than storehealth "
              "reads (at most {limit:,})",
              part=part.filename, last=extent.farthest(), cells=extent.cells(), limit=limit),
            path=path,
            fix=_("open the workbook in Excel, press Ctrl+End to go to that cell, delete the rows and "
                  "columns beyond the orders, save, and ingest it again (or export the orders again)"),
        )


class _Extent:
    """The first and last row and column of the cells that hold a value, from `r="B12"` refs."""

    BEYOND = 10**9  # a column of four letters or a row of nine digits or more

    def __init__(self) -> None:
        self.rows = [self.BEYOND, 0]
        self.columns = [self.BEYOND, 0]

    def cells(self) -> int:
        if not self.rows[1]:
            return 0
        return (self.rows[1] - self.rows[0] + 1) * (self.columns[1] - self.columns[0] + 1)

    def farthest(self) -> str:
        column = _column_name(self.columns[1]) if self.columns[1] < self.BEYOND else "?"
        return f"{column}{self.rows[1]}" if self.rows[1] < self.BEYOND else f"{column}?"

    def add(self, data: bytes) -> None:
        """The cell references in `data` (whole tags only), vectorised: no loop per cell."""
        if not data:
            return
        arr = np.frombuffer(data + b"\0" * 16, dtype=np.uint8)
        body = len(data)
        at = np.flatnonzero(arr[1 : body - 2] == ord("r")) + 1
        at = at[(arr[at + 1] == ord("=")) & (arr[at + 2] == ord('"'))]
        before = arr[at - 1]
        at = at[(before == 32) | (before == 9) | (before == 10) | (before == 13)] + 3
        if not at.size:
            return
        letters = [arr[at + k] for k in range(4)]
        is_letter = [(c >= 65) & (c <= 90) for c in letters]
        at = at[is_letter[0]]  # `<row r="12">` starts with a digit: rows count through their cells
        if not at.size:
            return
        letters = [c[is_letter[0]].astype(np.int64) - 64 for c in letters]
        is_letter = [m[is_letter[0]] for m in is_letter]
        count = np.ones(at.size, dtype=np.int64)
        column = letters[0].copy()
        going = np.ones(at.size, dtype=bool)
        for k in (1, 2):
            going &= is_letter[k]
            column = np.where(going, column * 26 + letters[k], column)
            count += going
        column = np.where(going & is_letter[3], self.BEYOND, column)
        row = np.zeros(at.size, dtype=np.int64)
        going = np.ones(at.size, dtype=bool)
        for k in range(9):
            digit = arr[at + count + k].astype(np.int64) - 48
            going &= (digit >= 0) & (digit <= 9)
            row = np.where(going, row * 10 + digit, row)
        row = np.where(going, self.BEYOND, row)
        # A cell without a value is written `<c r="B12" s="3"/>`: calamine leaves it out.
        closes = np.flatnonzero(arr[:body] == ord(">"))
        end = np.searchsorted(closes, at)
        valued = end >= closes.size
        inside = ~valued
        valued[inside] = arr[closes[end[inside]] - 1] != ord("/")
        if not valued.any():
            return
        row, column = row[valued], column[valued]
        self.rows = [min(self.rows[0], int(row.min())), max(self.rows[1], int(row.max()))]
        self.columns = [min(self.columns[0], int(column.min())), max(self.columns[1], int(column.max()))]
