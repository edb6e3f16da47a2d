"""`storehealth vocabulary`: the raw values the vocabulary does not know, and the line that maps
one, written into the seller's vocabulary.toml beside the history database."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import duckdb

from pipeline.errors import InputError, UsageError
from pipeline.i18n import _
from pipeline.models import build_view, sql_text
from pipeline.text import value_keys
from pipeline.user_files import read_user_toml
from pipeline.vocabulary import KINDS, STAGING_CODES, effective_vocabulary, vocabulary

# The unknown-values model names a close reason's kind after its column.
KIND_OF = {"close_reason": "close_cause"}
HEADER = """\
# Your own vocabulary: it extends and overrides storehealth's packaged one (same tables, same
# keys). One "raw value" = "code" line per value a platform exports; every figure follows an
# edit at the next command, with no re-ingest. `storehealth vocabulary` lists unknown values.
"""


def unknown_values(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every raw value the vocabulary in force does not know, over all stores: kind, platform,
    raw value, orders (rows, for a status that rejects them), an example order, the stores."""
    build_view(con, "unknown_raw_values")
    rows = con.execute(sql_text("vocabulary_unknown_values")).fetchall()
    con.execute("drop view unknown_raw_values")
    keys = ("kind", "platform", "raw_value", "orders", "example_order", "stores")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def toml_line(raw: str, code: str) -> str:
    """`"raw" = "code"`: JSON's string escapes are TOML's basic-string escapes."""
    return f"{json.dumps(raw, ensure_ascii=False)} = {json.dumps(code)}"


def default_platform(kind: str, raw: str, unknown: list[dict]) -> str:
    """The platform a value was seen on (a cancel reason applies to every platform: `any`)."""
    if kind == "cancel_reason":
        return "any"
    seen = sorted({u["platform"] for u in unknown if u["kind"] == kind and value_keys(u["raw_value"])
                   & value_keys(raw)})  # fmt: skip
    if len(seen) == 1:
        return seen[0]
    raise UsageError(
        _("say which platform exports {raw!r}: --platform aliexpress, ebay, 1688, shopify or taobao",
          raw=raw) if not seen else
        _("{raw!r} is seen on {platforms}: say which with --platform", raw=raw, platforms=", ".join(seen))
    )  # fmt: skip


def add_alias(path: Path, kind: str, raw: str, code: str, platform: str) -> str:
    """Write `"raw" = "code"` under [kind.platform] of the seller's file; returns the line. An
    unknown kind, code or platform, or a value the file already maps, changes nothing."""
    kind = KIND_OF.get(kind, kind)
    if kind not in KINDS:
        raise UsageError(_("{kind!r} is not a kind: use status, close_cause or cancel_reason", kind=kind))
    codes = (*vocabulary()["codes"][kind], *STAGING_CODES[kind])
    if code not in codes:
        raise UsageError(_("{code!r} is not a {kind} code: use one of {codes}", code=code, kind=kind,
                           codes=", ".join(codes)))  # fmt: skip
    if platform == "generic":
        raise UsageError(_("a generic source's values belong in its mapping file (the [status] or "
                           "reason tables), not in the vocabulary"))  # fmt: skip
    if not raw.strip():
        raise UsageError(_("give the raw value as the export writes it"))
    existing = read_user_toml(path)  # a broken file is refused before it is touched
    for old, old_code in existing.get(kind, {}).get(platform, {}).items():
        if value_keys(old) & value_keys(raw):
            raise InputError(
                _("[{kind}.{platform}] already maps {raw} to {code}", kind=kind, platform=platform,
                  raw=json.dumps(old, ensure_ascii=False), code=json.dumps(old_code)),
                path=path, fix=_("edit that line in the file to change it"),
            )  # fmt: skip
    line = toml_line(raw, code)
    text = path.read_text(encoding="utf-8") if path.is_file() else HEADER
    new_text = _with_line(text, f"[{kind}.{platform}]", line)
    _write_checked(path, new_text)
    return line


def _with_line(text: str, header: str, line: str) -> str:
    """`text` with `line` at the end of the table `header` (a new table at the end if none)."""
    lines = text.splitlines()
    starts = [i for i, current in enumerate(lines) if current.strip() == header]
    if not starts:
        return text.rstrip("\n") + f"\n\n{header}\n{line}\n"
    end = starts[0] + 1
    while end < len(lines) and not lines[end].lstrip().startswith("["):
        end += 1
    while end > starts[0] + 1 and not lines[end - 1].strip():
        end -= 1  # after the table's last line, before the blank lines that end it
    return "\n".join([*lines[:end], line, *lines[end:]]) + "\n"


def _write_checked(path: Path, text: str) -> None:
    """Replace the file whole, and only with text that reads as a valid vocabulary."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".vocabulary-", suffix=".toml", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        effective_vocabulary(temp)  # the edit must leave a file that applies whole
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
