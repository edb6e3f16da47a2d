"""The alias tables of SPEC section 2, read from `vocabulary.toml` and loaded into DuckDB."""

from __future__ import annotations

import re
import tomllib
from functools import cache

from pipeline.config import VOCABULARY_FILE
from pipeline.text import value_keys

KINDS = ("status", "close_cause", "cancel_reason")


@cache
def vocabulary() -> dict:
    with VOCABULARY_FILE.open("rb") as fh:
        return tomllib.load(fh)


@cache
def canonical_codes() -> dict[str, tuple[str, ...]]:
    """The canonical codes of each kind: status, close_cause, cancel_reason."""
    return {kind: tuple(vocabulary()["codes"][kind]) for kind in KINDS}


def seller_fault_reasons() -> tuple[str, ...]:
    return tuple(vocabulary()["seller_fault"]["cancel_reasons"])


def alias_rows() -> list[tuple[str, str, str, str]]:
    """(kind, platform, raw key, code) for every alias, one row per lookup key."""
    rows = []
    for kind in KINDS:
        for platform, table in vocabulary().get(kind, {}).items():
            for raw, code in table.items():
                for key in value_keys(raw):
                    rows.append((kind, platform, key, code))
    for platform, table in vocabulary().get("payment", {}).items():
        for raw, code in table.items():
            rows.extend(("payment", platform, key, code) for key in value_keys(raw))
    return sorted(set(rows))


def code_rows() -> list[tuple[str, str, bool, bool]]:
    """(kind, code, seller_fault, seller_side) for every canonical code."""
    fault_reasons = set(seller_fault_reasons())
    fault_causes = set(vocabulary()["seller_fault"]["close_causes"])
    side_causes = set(vocabulary()["seller_side"]["close_causes"])
    rows = []
    for kind, codes in canonical_codes().items():
        for code in codes:
            fault = (kind == "cancel_reason" and code in fault_reasons) or (
                kind == "close_cause" and code in fault_causes
            )
            rows.append((kind, code, fault, kind == "close_cause" and code in side_causes))
    return rows


def priority_rules() -> tuple[str, int, float, float]:
    """(express carrier regex, wholesale quantity, wholesale amount, due-soon hours) for the
    open backlog."""
    rules = vocabulary()["priority"]
    carriers = "|".join(re.escape(c) for c in rules["express_carriers"])
    return (
        f"(?i)\\b({carriers})\\b",
        int(rules["wholesale_quantity"]),
        float(rules["wholesale_amount"]),
        float(rules["due_soon_hours"]),
    )
