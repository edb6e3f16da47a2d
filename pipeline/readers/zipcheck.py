"""Size checks for `.xlsx` workbooks (zip archives of XML) before calamine unpacks them.

calamine unpacks every part it reads in full and keeps the shared-strings table and the sheet's
cells in memory, about three times the unpacked XML. A zip bomb (a few MB that unpack to GBs,
e.g. a huge table of repeated shared strings) would make it allocate until the process aborts,
with no message. So the archive's directory is read first and the workbook is refused when its
parts together unpack to more than MAX_WORKBOOK_BYTES, or when a large part is packed tighter
than real spreadsheet XML ever is. The sizes a zip declares may lie, so the start of each large
part is also unpacked here (a megabyte of packed data, output discarded) and checked against
its declared size.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

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
