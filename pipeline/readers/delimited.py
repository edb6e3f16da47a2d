"""CSV and tab-separated text in any of the encodings Chinese and Western Excel save."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline.errors import InputError
from pipeline.readers import Sheet

csv.field_size_limit(1 << 30)


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """The text and the encoding it was in: BOMs first, then UTF-8, then GB18030 (⊇ GBK)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    head = raw[:4096]
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM: the NULs fall on the high bytes of ASCII characters.
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        return raw.decode(encoding, errors="replace"), encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputError(
        "the file is neither UTF-8, UTF-16 nor GBK/GB18030 text, nor an Excel workbook",
        path=path,
        fix="export it again as .xlsx or .csv from the seller back-end",
    )


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > len(sample) // 100


def _delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in (",", "\t", ";")}
            return max(counts, key=counts.get)  # type: ignore[arg-type]
    return ","


def read_delimited(path: Path) -> list[Sheet]:
    """One sheet holding every record; quoted cells may span several lines."""
    raw = path.read_bytes()
    text, _encoding = decode_text(raw, path)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if _looks_binary(text):
        raise InputError(
            "this is not a spreadsheet or text export (it holds binary data)",
            path=path,
            fix="ingest the .xls, .xlsx or .csv file exported from the seller back-end",
        )
    if not text.strip():
        raise InputError(
            "the file holds no rows",
            path=path,
            fix="export the orders again from the seller back-end and ingest the new file",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows: list[list[object]] = list(reader)  # type: ignore[arg-type]
    except csv.Error as exc:
        raise InputError(
            f"the text cannot be read as CSV (line {reader.line_num}: {exc})",
            path=path,
            row=reader.line_num,
            fix="open it in Excel and save it again as CSV or .xlsx",
        ) from None
    return [Sheet(name=path.stem, rows=rows)]
