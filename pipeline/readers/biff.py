"""Integrity checks for legacy `.xls` (BIFF8 in an OLE2 container) before calamine reads it.

calamine trusts the file: a download cut short and zero-filled can send it round a sector
loop until memory runs out, and a damaged record stream can make it return part of the rows
without an error. Both would be silent loss or a crash, so the structure is checked first:
olefile validates the container, then the Workbook stream's record chain is walked.
"""

from __future__ import annotations

import struct
from pathlib import Path

import olefile

from pipeline.errors import InputError
from pipeline.i18n import _

MAX_RECORD = 8224  # BIFF8's largest record body
BOF, EOF = 0x0809, 0x000A


def _damaged(path: Path, detail: str) -> InputError:
    return InputError(
        _("the .xls workbook is damaged or truncated ({detail})", detail=detail),
        path=path,
        fix=_("export it again from the seller back-end, or open it in Excel and save a copy"),
    )


def check_xls(path: Path) -> None:
    """Raise InputError unless the container and the workbook's record chain are whole."""
    try:
        ole = olefile.OleFileIO(str(path), raise_defects=olefile.DEFECT_INCORRECT)
    except Exception as exc:  # olefile raises OSError and friends for each kind of damage
        raise _damaged(path, _("container: {error}", error=str(exc)[:120])) from None
    try:
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            raise _damaged(path, _("no workbook stream"))
        size = ole.get_size(name)
        if size > 2 << 30:
            raise _damaged(path, _("the workbook stream claims more than 2 GiB"))
        data = ole.openstream(name).read()
    except InputError:
        raise
    except Exception as exc:
        raise _damaged(path, _("workbook stream: {error}", error=str(exc)[:120])) from None
    finally:
        ole.close()
    _check_records(path, data)


def _check_records(path: Path, data: bytes) -> None:
    """Every record fits, substreams open and close in pairs, and the chain ends cleanly."""
    pos, depth, substreams = 0, 0, 0
    while pos + 4 <= len(data):
        kind, length = struct.unpack_from("<HH", data, pos)
        if kind == 0 and length == 0 and depth == 0:
            break  # zero padding after the last substream
        if length > MAX_RECORD or pos + 4 + length > len(data):
            raise _damaged(path, _("broken record at byte {pos}", pos=pos))
        if kind == BOF:
            depth += 1
            substreams += 1
        elif kind == EOF:
            depth -= 1
            if depth < 0:
                raise _damaged(path, _("unbalanced end of substream at byte {pos}", pos=pos))
        pos += 4 + length
    if depth != 0 or substreams == 0:
        raise _damaged(path, _("the record stream ends before its last sheet does"))
    if any(data[pos:]):
        raise _damaged(path, _("unreadable data after byte {pos}", pos=pos))
