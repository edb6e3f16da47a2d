"""Normalising header cells and raw values so that spelling variants compare equal."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_header(cell: object) -> str:
    """Header key: text before a line break, NFKC-folded (full-width to half-width), trimmed, lower."""
    text = "" if cell is None else str(cell)
    text = re.split(r"[\r\n]", text.strip(), maxsplit=1)[0]
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).strip().lower()


def normalize_value(value: str) -> str:
    """Vocabulary key: trimmed and lower-cased, as the SQL side compares raw values."""
    return value.strip().lower()


def value_keys(value: str) -> set[str]:
    """Every key a raw value may be looked up by (as written, and full-width folded)."""
    return {normalize_value(value), normalize_value(unicodedata.normalize("NFKC", value))}
