"""Store names that look alike: `ѕouth` (a Cyrillic ѕ), `ｓｏｕｔｈ` (full-width) and `South`
are three stores to the database and one to a person reading a report. A new store whose name
folds to an existing store's is most likely a typo or a pasted name: the ingest warns."""

from __future__ import annotations

import unicodedata

import duckdb

from pipeline.i18n import _

# Letters of other scripts drawn like Latin ones (Unicode's confusables for the usual suspects).
_LOOKALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ү": "y", "һ": "h", "ӏ": "l", "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ɡ": "g", "ı": "i", "ℓ": "l",
})  # fmt: skip


def name_skeleton(name: str) -> str:
    """What a store name looks like: full-width folded, case dropped, look-alike letters made
    Latin, and '-', '_', '.' and spaces left out (ali-main and ali_main read the same)."""
    folded = unicodedata.normalize("NFKC", name).casefold().translate(_LOOKALIKES)
    return "".join(ch for ch in folded if ch not in "-_. ")


def lookalike_warning(con: duckdb.DuckDBPyConnection, store: str) -> list[str]:
    """A warning when `store` is new to the history and looks like a store it already has."""
    stores = [row[0] for row in con.execute("select distinct store from ingested_files").fetchall()]
    if store in stores:
        return []
    skeleton = name_skeleton(store)
    twins = sorted(s for s in stores if name_skeleton(s) == skeleton)
    if not twins:
        return []
    return [
        _("store {store!r} is new to the history but looks like {existing!r} (the names differ only in "
          "case, width, punctuation or look-alike letters): if it is the same store, use {existing!r}; "
          "the orders now stand under a store of their own", store=store, existing=twins[0])
    ]  # fmt: skip
