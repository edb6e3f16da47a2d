"""The platform policies in force: `pipeline/policies.toml`, extended and overridden by the
seller's own `policies.toml` beside the history database (SPEC section 2).

A pip-installed storehealth cannot ask its user to edit a file inside the package, and only the
seller knows the 成交不卖 level their seller centre shows. The seller's file is read at every
command (an edit counts at the next one) and checked whole before anything of it applies.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import duckdb

from pipeline.adapters import PLATFORMS
from pipeline.config import POLICIES_FILE
from pipeline.errors import InputError
from pipeline.i18n import _, label
from pipeline.user_files import (
    POLICIES_NAME,
    database_path,
    entry_key_line,
    line_of,
    read_user_toml,
    user_file,
)

METRICS = ("sold_not_shipped", "pre_fulfilment_cancel", "late_shipment")
LIMIT_KINDS = ("at_most", "below")
REQUIRED = (
    "key", "label", "platforms", "metric", "window_days", "limit_kind", "warning", "breach", "source",
)  # fmt: skip
OPTIONAL = ("fallback_window_days", "min_base", "stores")
TEXT_FIELDS = ("key", "label", "metric", "limit_kind", "source")
DAY_FIELDS = ("window_days", "fallback_window_days")
RATE_FIELDS = ("warning", "breach")


@cache
def packaged_policies() -> tuple[dict, ...]:
    """The policies shipped in `pipeline/policies.toml`, each with its source."""
    with POLICIES_FILE.open("rb") as fh:
        return tuple(tomllib.load(fh)["policy"])


def policies_in_force(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every policy the stores of this history are judged by: the packaged ones, as the seller's
    `policies.toml` (beside the database) overrides and extends them. Each has `stores` (None:
    every store; else the stores it replaces the same key's policy for) and `set_in` (the
    seller's file as `data/policies.toml`, None for a packaged policy as shipped)."""
    packaged = [dict(p, stores=None, set_in=None) for p in packaged_policies()]
    db = database_path(con)
    path = user_file(db, POLICIES_NAME) if db is not None else None
    document = read_user_toml(path) if path is not None else {}
    if not document:
        return packaged
    return _merged(packaged, _entries(document, path), path, con)


def for_store(policies: list[dict], store: str | None) -> list[dict]:
    """The policies that judge `store` (None: the every-store ones): a store's own entry replaces
    the every-store policy of the same key."""
    own = {p["key"]: p for p in policies if store is not None and store in (p["stores"] or ())}
    everywhere = [own.pop(p["key"], p) for p in policies if p["stores"] is None]
    return everywhere + list(own.values())


def shown_source(policy: dict) -> str:
    """The policy's source, saying so when the seller set it (in the current language)."""
    source = " ".join(policy["source"].split())
    if policy["set_in"] is None:
        return source
    if not policy.get("source_given"):
        translated = label("policy_source", policy["key"])
        source = source if translated == policy["key"] else translated
    if policy["stores"]:
        return _("Set by the seller for {stores} in {file}. {source}",
                 stores=", ".join(policy["stores"]), file=policy["set_in"], source=source)  # fmt: skip
    return _("Set by the seller in {file}. {source}", file=policy["set_in"], source=source)


def _entries(document: dict, path: Path) -> list[dict]:
    """The file's [[policy]] entries, each checked alone (fields known, of the right type)."""
    for name in document:
        if name != "policy":
            raise InputError(
                _("unknown setting {name!r}: this file holds [[policy]] entries only", name=name),
                path=path, line=_line_of_setting(path, name),
                fix=_("remove it, or move it into a [[policy]] entry"),
            )  # fmt: skip
    entries = document["policy"]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(
            _("policies are written as [[policy]] entries (two square brackets), one per policy"),
            path=path, line=_line_of_setting(path, "policy"),
            fix=_("write [[policy]] above each policy's fields"),
        )  # fmt: skip
    for index, entry in enumerate(entries):
        _check_entry(entry, index, path)
    return entries


def _check_entry(entry: dict, index: int, path: Path) -> None:
    """One entry's own mistakes: no key, a field unknown or of the wrong type, an unknown metric,
    limit kind or platform, a rate outside 0..1."""
    key = entry.get("key")
    if not isinstance(key, str) or not key.strip():
        raise InputError(
            _("a [[policy]] entry has no key"),
            path=path, line=entry_key_line(path, "policy", index, "key"),
            fix=_('give key = "…": a packaged policy\'s key ({keys}) changes that policy, a new '
                  "one adds a policy", keys=", ".join(p["key"] for p in packaged_policies())),
        )  # fmt: skip
    fields = (*REQUIRED, *OPTIONAL)
    for name, value in entry.items():
        if name not in fields:
            _fail(entry, index, path, name,
                  _("policy {key!r}: unknown field {name!r}", key=key, name=name),
                  _("the fields are {fields}", fields=", ".join(fields)))  # fmt: skip
        what = _wrong_type(name, value)
        if what:
            _fail(entry, index, path, name,
                  _("policy {key!r}: {name} must be {what}, not {value}",
                    key=key, name=name, what=what, value=_toml_value(value)),
                  _fix_for(name))  # fmt: skip
    for name, choices in (("metric", METRICS), ("limit_kind", LIMIT_KINDS)):
        if name in entry and entry[name] not in choices:
            _fail(entry, index, path, name,
                  _("policy {key!r}: unknown {name} {value!r}", key=key, name=name, value=entry[name]),
                  _("use one of: {choices}", choices=", ".join(choices)))  # fmt: skip
    unknown = [p for p in entry.get("platforms", []) if p != "*" and p not in PLATFORMS]
    if unknown:
        _fail(entry, index, path, "platforms",
              _("policy {key!r}: unknown platform {value!r}", key=key, value=unknown[0]),
              _("use {choices}, or \"*\" for every platform", choices=", ".join(PLATFORMS)))  # fmt: skip


def _wrong_type(name: str, value: object) -> str | None:
    """What the field must be, when `value` is not that (None when it is)."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    if name in TEXT_FIELDS and not (isinstance(value, str) and value.strip()):
        return _("text in double quotes")
    if name in DAY_FIELDS and not (whole and value >= 1):
        return _("a whole number of days, 1 or more")
    if name == "min_base" and not (whole and value >= 0):
        return _("a whole number of orders, 0 or more")
    if name in RATE_FIELDS and not (
        isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
    ):
        return _("a rate from 0 to 1 (0.02 is 2 %)")
    if name in ("platforms", "stores") and not (
        isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
    ):
        return _("a list of names in double quotes, such as [\"aliexpress\"]")
    return None


def _fix_for(name: str) -> str:
    if name in RATE_FIELDS:
        return _("write a rate as a fraction: 2 % is 0.02")
    if name in DAY_FIELDS:
        return _("write the number of days without quotes, such as 30")
    return _("correct the value (see pipeline/policies.toml for examples)")


def _merged(
    packaged: list[dict], entries: list[dict], path: Path, con: duckdb.DuckDBPyConnection
) -> list[dict]:
    """The packaged policies with the seller's entries applied: every-store entries first (they
    override or add), then the per-store ones (each built on the every-store policy of its key)."""
    shown = Path(path.parent.name, path.name).as_posix()
    by_key = {p["key"]: p for p in packaged}
    everywhere = [(i, e) for i, e in enumerate(entries) if "stores" not in e]
    own = [(i, e) for i, e in enumerate(entries) if "stores" in e]
    given: set[str] = set()
    for index, entry in everywhere:
        if entry["key"] in given:
            _fail(entry, index, path, "key",
                  _("policy {key!r} is given twice for every store", key=entry["key"]),
                  _("keep one of the two entries"))  # fmt: skip
        given.add(entry["key"])
        by_key[entry["key"]] = _applied(by_key.get(entry["key"]), entry, index, path, shown)
    result = list(by_key.values())
    known = _known_stores(con)
    claimed: set[tuple[str, str]] = set()
    for index, entry in own:
        key = entry["key"]
        for store in entry["stores"]:
            if store not in known:
                _fail(entry, index, path, "stores",
                      _("policy {key!r}: no store named {store!r} in the history (known: {known})",
                        key=key, store=store, known=", ".join(sorted(known)) or _("none yet")),
                      _("correct the name, or ingest that store's exports first"))  # fmt: skip
            if (key, store) in claimed:
                _fail(entry, index, path, "stores",
                      _("policy {key!r} is given twice for store {store!r}", key=key, store=store),
                      _("keep one of the two entries"))  # fmt: skip
            claimed.add((key, store))
        policy = _applied(by_key.get(key), entry, index, path, shown)
        result.append(policy | {"stores": list(entry["stores"])})
    return result


def _applied(base: dict | None, entry: dict, index: int, path: Path, shown: str) -> dict:
    """`entry` over the policy of its key (a new policy when there is none: every field then),
    checked as a whole: warning at most breach."""
    key = entry["key"]
    if base is None:
        missing = [name for name in REQUIRED if name not in entry]
        if missing:
            _fail(entry, index, path, None,
                  _("policy {key!r} is not a packaged policy, so this entry adds one, and it lacks "
                    "{fields}", key=key, fields=", ".join(missing)),
                  _("give every field of a policy (see pipeline/policies.toml), or correct the key "
                    "to one of: {keys}", keys=", ".join(p["key"] for p in packaged_policies())))  # fmt: skip
        base = {"stores": None, "fallback_window_days": None, "min_base": 0}
    source_given = "source" in entry or base.get("source_given", False)
    policy = base | entry | {"set_in": shown, "source_given": source_given}
    if policy["warning"] > policy["breach"]:
        _fail(entry, index, path, "warning" if "warning" in entry else "breach",
              _("policy {key!r}: warning {warning} is above breach {breach}",
                key=key, warning=policy["warning"], breach=policy["breach"]),
              _("the warning level comes before the breach: give warning at most breach"))  # fmt: skip
    return policy


def _known_stores(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("select distinct store from ingested_files").fetchall()}


def _fail(entry: dict, index: int, path: Path, field: str | None, problem: str, fix: str) -> None:
    """Stop at the first mistake: nothing of the file applies."""
    raise InputError(problem, path=path, line=entry_key_line(path, "policy", index, field), fix=fix)


def _line_of_setting(path: Path, name: str) -> int | None:
    """The line of a top-level setting or table named `name`."""
    return line_of(path, f"[{name}") or line_of(path, f"{name} =") or line_of(path, name)


def _toml_value(value: object) -> str:
    """A value as the file writes it (true, "2 %", 0.02), for the message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
