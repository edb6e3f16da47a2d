"""A seller's own settings files, kept beside the history database (`data/` by default), so that
a pip-installed storehealth never asks its user to edit files inside the package."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import duckdb

from pipeline.errors import InputError
from pipeline.i18n import _

VOCABULARY_NAME = "vocabulary.toml"
POLICIES_NAME = "policies.toml"

TOML_LINE = re.compile(r"at line (\d+)")


def user_file(db_path: Path | str, name: str) -> Path:
    """The seller's `name` (vocabulary.toml, policies.toml, notify.toml) beside the database."""
    from pipeline.history_target import home_of, parse_target

    return home_of(parse_target(db_path)) / name


def database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return Path(row[0]) if row and row[0] else None


def read_user_toml(path: Path) -> dict:
    """The file as a dict ({} when there is none); a broken file is an InputError naming the
    file and the line, so that nothing is applied from it."""
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(
            _("this settings file is not UTF-8 text; nothing in it was applied"),
            path=path,
            fix=_("save it as UTF-8 (any editor offers that under Save as) and try again"),
        ) from None
    except tomllib.TOMLDecodeError as exc:
        line = TOML_LINE.search(str(exc))
        raise InputError(
            _("this settings file is not valid TOML ({reason}); nothing in it was applied",
              reason=str(exc)),
            path=path,
            line=int(line[1]) if line else None,
            fix=_("correct that line (a key and a value per line, text in double quotes) and "
                  "try again"),
        ) from None  # fmt: skip


def line_of(path: Path, text: str) -> int | None:
    """The first line of the file that contains `text` (to point a message at it)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if text in line:
                return number
    except OSError:
        return None
    return None


ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")


def entry_lines(path: Path, table: str) -> list[int]:
    """The line of each `[[table]]` header, in order: entry n of the array begins on the n-th."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if (match := ARRAY_HEADER.match(line)) and match[1] == table
    ]


def entry_key_line(path: Path, table: str, index: int, key: str | None = None) -> int | None:
    """The line where entry `index` of `[[table]]` sets `key` (the entry's header line when the
    key is not found, or not asked for), to point a message at one entry of several alike."""
    headers = entry_lines(path, table)
    if index >= len(headers):
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    end = headers[index + 1] - 1 if index + 1 < len(headers) else len(lines)
    setting = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=") if key else None
    for number in range(headers[index] + 1, end + 1):
        if setting and setting.match(lines[number - 1]):
            return number
        if ARRAY_HEADER.match(lines[number - 1]) or lines[number - 1].lstrip().startswith("["):
            break  # a table of another name ends the entry
    return headers[index]
