"""The alias tables of SPEC section 2, read from the packaged `vocabulary.toml` and the seller's
own beside the history database, and loaded into DuckDB."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tomllib
from functools import cache
from pathlib import Path

from pipeline.config import VOCABULARY_FILE
from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.text import value_keys
from pipeline.user_files import line_of, read_user_toml

KINDS = ("status", "close_cause", "cancel_reason")
# Alias tables a seller's file may add to; `payment` holds cash-on-delivery words.
ALIAS_KINDS = (*KINDS, "payment")
# Values the adapters resolve later, besides the canonical codes (SPEC section 2).
STAGING_CODES = {"status": ("finished",), "close_cause": ("not_closed", "buyer_cancelled"),
                 "cancel_reason": (), "payment": ("cash_on_delivery",)}  # fmt: skip


@cache
def vocabulary() -> dict:
    """The packaged vocabulary."""
    with VOCABULARY_FILE.open("rb") as fh:
        return tomllib.load(fh)


def effective_vocabulary(user_path: Path | None) -> dict:
    """The packaged vocabulary, extended and overridden by the seller's file at `user_path`:
    an alias there replaces the packaged one for the same raw value (as the SQL folds it), and a
    `[seller_fault]`, `[seller_side]` or `[priority]` key replaces the packaged value. A broken
    file raises InputError, and nothing of it applies."""
    packaged = vocabulary()
    user = read_user_toml(user_path) if user_path is not None else {}
    if not user:
        return packaged
    _check_user_vocabulary(user, user_path, packaged)
    merged = copy.deepcopy(packaged)
    for kind in ALIAS_KINDS:
        for platform, table in user.get(kind, {}).items():
            target = merged.setdefault(kind, {}).setdefault(platform, {})
            for raw, code in table.items():
                keys = value_keys(raw)
                for old in [r for r in target if value_keys(r) & keys]:
                    del target[old]
                target[raw] = code
    for section in ("seller_fault", "seller_side", "priority"):
        merged[section].update(user.get(section, {}))
    return merged


def _check_user_vocabulary(user: dict, path: Path, packaged: dict) -> None:
    """Every table, platform, code and setting of a seller's file, checked before any applies."""

    def refuse(problem: str, key: str, fix: str) -> None:
        raise InputError(problem, path=path, line=line_of(path, key), fix=fix)

    codes = {kind: (*packaged["codes"][kind], *STAGING_CODES[kind]) for kind in KINDS}
    codes["payment"] = STAGING_CODES["payment"]
    sections = (*ALIAS_KINDS, "seller_fault", "seller_side", "priority")
    for section, body in user.items():
        if section not in sections:
            refuse(_("[{section}] is not a table storehealth reads here (the canonical codes are "
                     "fixed; a vocabulary file holds {tables})", section=section,
                     tables=", ".join(f"[{s}]" for s in sections)),
                   section, _("remove or rename that table"))  # fmt: skip
        if not isinstance(body, dict):
            refuse(_("{section} must be a table, [{section}] or [{section}.PLATFORM]", section=section),
                   section, _("write it as a table"))  # fmt: skip
    for kind in ALIAS_KINDS:
        platforms = set(packaged.get(kind, {})) | set(packaged["status"]) | {"any"}
        platforms.discard("generic")
        for platform, table in user.get(kind, {}).items():
            if platform not in platforms:
                refuse(_("[{kind}.{platform}]: {platform} is not a platform of the packaged "
                         "vocabulary (one of {platforms}); a generic source's values belong in "
                         "its mapping file", kind=kind, platform=platform,
                         platforms=", ".join(sorted(platforms))),
                       f"{kind}.{platform}", _("use one of those platform names"))  # fmt: skip
            if not isinstance(table, dict):
                refuse(_("[{kind}.{platform}] must be a table of \"raw value\" = \"code\" lines",
                         kind=kind, platform=platform), f"{kind}.{platform}",
                       _("write one \"raw value\" = \"code\" line per raw value"))  # fmt: skip
            for raw, code in table.items():
                if not isinstance(code, str) or code not in codes[kind]:
                    shown = json.dumps(raw, ensure_ascii=False)
                    refuse(_("[{kind}.{platform}] {raw}: {code} is not a {kind} code (one of {codes})",
                             kind=kind, platform=platform, raw=shown, codes=", ".join(codes[kind]),
                             code=json.dumps(code, ensure_ascii=False)),
                           raw, _("give one of those codes"))  # fmt: skip
    lists = {("seller_fault", "cancel_reasons"): "cancel_reason",
             ("seller_fault", "close_causes"): "close_cause",
             ("seller_side", "close_causes"): "close_cause"}  # fmt: skip
    for section in ("seller_fault", "seller_side"):
        for key, value in user.get(section, {}).items():
            kind = lists.get((section, key))
            if kind is None:
                refuse(_("[{section}] {key}: not a setting (one of {keys})", section=section, key=key,
                         keys=", ".join(k for s, k in lists if s == section)),
                       key, _("remove or rename that key"))  # fmt: skip
            allowed = packaged["codes"][kind]
            if not isinstance(value, list) or not all(isinstance(c, str) and c in allowed for c in value):
                refuse(_("[{section}] {key} must be a list of {kind} codes (of {codes})",
                         section=section, key=key, kind=kind, codes=", ".join(allowed)),
                       key, _("list codes only, e.g. [\"out_of_stock\"]"))  # fmt: skip
    for key, value in user.get("priority", {}).items():
        default = packaged["priority"].get(key)
        if default is None:
            refuse(_("[priority] {key}: not a setting (one of {keys})", key=key,
                     keys=", ".join(packaged["priority"])), key, _("remove or rename that key"))  # fmt: skip
        if isinstance(default, list):
            good = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        else:
            good = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        if not good:
            refuse(_("[priority] {key} must be {kind} like the packaged {default}", key=key,
                     kind=_("a list of names") if isinstance(default, list) else _("a number of 0 or more"),
                     default=json.dumps(default)), key, _("correct the value"))  # fmt: skip


def fingerprint(vocab: dict) -> str:
    """What the stored interpretations were derived from: an edit to any alias, code list or
    seller-fault rule changes it, and the history is interpreted again."""
    rows = [list(r) for r in alias_rows(vocab)] + [list(r) for r in code_rows(vocab)]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


@cache
def canonical_codes() -> dict[str, tuple[str, ...]]:
    """The canonical codes of each kind: status, close_cause, cancel_reason (fixed by the SPEC:
    a seller's file cannot add any)."""
    return {kind: tuple(vocabulary()["codes"][kind]) for kind in KINDS}


def alias_rows(vocab: dict | None = None) -> list[tuple[str, str, str, str]]:
    """(kind, platform, raw key, code) for every alias, one row per lookup key."""
    vocab = vocab or vocabulary()
    rows = []
    for kind in ALIAS_KINDS:
        for platform, table in vocab.get(kind, {}).items():
            for raw, code in table.items():
                for key in value_keys(raw):
                    rows.append((kind, platform, key, code))
    return sorted(set(rows))


def code_rows(vocab: dict | None = None) -> list[tuple[str, str, bool, bool]]:
    """(kind, code, seller_fault, seller_side) for every canonical code."""
    vocab = vocab or vocabulary()
    fault_reasons = set(vocab["seller_fault"]["cancel_reasons"])
    fault_causes = set(vocab["seller_fault"]["close_causes"])
    side_causes = set(vocab["seller_side"]["close_causes"])
    rows = []
    for kind, codes in canonical_codes().items():
        for code in codes:
            fault = (kind == "cancel_reason" and code in fault_reasons) or (
                kind == "close_cause" and code in fault_causes
            )
            rows.append((kind, code, fault, kind == "close_cause" and code in side_causes))
    return rows


def priority_rules(vocab: dict | None = None) -> tuple[str, int, float, float]:
    """(express carrier regex, wholesale quantity, wholesale amount, due-soon hours) for the
    open backlog."""
    rules = (vocab or vocabulary())["priority"]
    carriers = "|".join(re.escape(c) for c in rules["express_carriers"])
    return (
        f"(?i)\\b({carriers})\\b",
        int(rules["wholesale_quantity"]),
        float(rules["wholesale_amount"]),
        float(rules["due_soon_hours"]),
    )
