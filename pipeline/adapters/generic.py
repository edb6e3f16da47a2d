"""The generic adapter: any CSV or workbook, described by a small TOML or YAML mapping file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.adapters import RAW_FIELDS, PlatformSpec
from pipeline.adapters.item_row_rule import ItemRowRule
from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.text import normalize_header, value_keys
from pipeline.vocabulary import canonical_codes

# The status column is optional: without one, an order's status follows its times
# (stg_generic_orders.sql).
REQUIRED = ("order_id", "created_at")


@dataclass
class Mapping:
    """A parsed mapping file: source columns per field, and source values per canonical code."""

    path: Path
    columns: dict[str, str]
    currency: str | None = None
    # (kind, raw key, status, close_cause, cancel_reason)
    value_rows: list[tuple[str, str, str | None, str | None, str | None]] = field(
        default_factory=list
    )

    def alias_rows(self) -> list[tuple[str, str, str]]:
        """(kind, raw key, code) rows for the vocabulary, under the platform `generic`."""
        rows = set()
        for kind, key, status, cause, reason in self.value_rows:
            if kind == "status":
                rows.add(("status", key, status))
                if cause:
                    rows.add(("status_close_cause", key, cause))
                if reason:
                    rows.add(("status_cancel_reason", key, reason))
            elif kind == "close_cause":
                rows.add(("close_cause", key, cause))
            else:
                rows.add(("cancel_reason", key, reason))
        return sorted(rows)

    def spec(self) -> PlatformSpec:
        return PlatformSpec(
            name="generic",
            required=REQUIRED,
            signature=frozenset(),
            aliases={f: (normalize_header(h),) for f, h in self.columns.items()},
            # rows per line item: the same order id repeated, or left empty below the order's row
            item_rows=ItemRowRule(same=("order_id", "status", "created_at")),
            display=dict(self.columns),
        )


# A mapping file is a few dozen lines; anything far larger is not one.
MAX_MAPPING_BYTES = 1 << 20
# Echoed values are cut to this many characters: a message is read, not a copy of the file.
SHOWN_CHARS = 60
TOP_LEVEL = {"source", "columns", "status", "close_cause", "cancel_reason"}
SOURCE_KEYS = {"name", "currency"}
STATUS_KEYS = {"status", "close_cause", "cancel_reason"}


def _shown(value: object) -> str:
    """A value as a message shows it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _bad(path: Path, problem: str) -> InputError:
    return InputError(
        problem,
        path=path,
        fix=_("correct the mapping file; the README's 'Mapping files' section has a full example"),
    )


class _StrictYamlLoader(yaml.BaseLoader):
    """YAML as plain text: every key and value a string (no `yes` -> True, `01` -> 1), and no
    anchors or aliases (a 'billion laughs' file expands them into gigabytes)."""

    def compose_node(self, parent, index):  # PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a mapping file", event.start_mark
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors (&name) are not allowed in a mapping file", event.start_mark
            )
        return super().compose_node(parent, index)


def _load_document(path: Path) -> dict:
    try:
        size = path.stat().st_size
        if size > MAX_MAPPING_BYTES:
            raise _bad(path, _("the mapping file is {size:,} bytes: a mapping file is a few dozen lines",
                               size=size))  # fmt: skip
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, _("cannot read the mapping file ({error})", error=exc)) from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_StrictYamlLoader) or {}  # a BaseLoader: plain text only
        else:
            data = tomllib.loads(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        detail = str(exc).strip()
        raise _bad(path, _("the mapping file is not valid {format}: {error}",
                           format=path.suffix[1:].upper(), error=detail[:300])) from None  # fmt: skip
    if not isinstance(data, dict):
        raise _bad(path, _("the mapping file must hold tables such as [columns] and [status]"))
    return data


def _problems_of(data: dict) -> list[str]:
    """Every mistake of a parsed mapping file, each named by its key: one message lists them all."""
    problems: list[str] = []
    for key in data:
        if key not in TOP_LEVEL:
            problems.append(_("{key} is not a table of mapping files (they are {known})",
                              key=_shown(key), known=", ".join(sorted(TOP_LEVEL))))  # fmt: skip
    for table in TOP_LEVEL:
        if table in data and not isinstance(data[table], dict):
            problems.append(_("[{table}] must be a table, not {value}", table=table,
                              value=_shown(data[table])))  # fmt: skip
    columns = data.get("columns")
    if isinstance(columns, dict):
        for name, header in columns.items():
            if name not in RAW_FIELDS:
                problems.append(_("[columns] {name} is not a field (one of {fields})",
                                  name=_shown(name), fields=", ".join(RAW_FIELDS)))  # fmt: skip
            elif not isinstance(header, str) or not header.strip():
                problems.append(_("[columns] {name} must name a source column", name=name))
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            problems.append(_("[columns] must map {fields}", fields=", ".join(missing)))
    elif "columns" not in data:
        problems.append(_("a [columns] table naming the source column of each field is missing"))
    source = data.get("source")
    if isinstance(source, dict):
        for key, value in source.items():
            if key not in SOURCE_KEYS:
                problems.append(_("[source] {key} is not a setting (they are {known})",
                                  key=_shown(key), known=", ".join(sorted(SOURCE_KEYS))))  # fmt: skip
            elif not isinstance(value, str):
                problems.append(_("[source] {key} must be text, not {value}", key=key, value=_shown(value)))
    status = data.get("status")
    if isinstance(status, dict):
        for raw, target in status.items():
            where = f"[status] {_shown(raw)}"
            if isinstance(target, dict):
                unknown = [k for k in target if k not in STATUS_KEYS]
                if unknown:
                    problems.append(_("{where}: {keys} is not a key (they are {known})", where=where,
                                      keys=", ".join(_shown(k) for k in unknown),
                                      known=", ".join(sorted(STATUS_KEYS))))  # fmt: skip
                elif "status" not in target:
                    problems.append(_("{where} must be a status code or a table with `status`", where=where))
                else:
                    problems.extend(_code_problems(target, where))
            elif isinstance(target, str):
                problems.extend(_code_problems({"status": target}, where))
            else:
                problems.append(_("{where} must be a status code or a table with `status`", where=where))
    for kind in ("close_cause", "cancel_reason"):
        table = data.get(kind)
        if isinstance(table, dict):
            for raw, code in table.items():
                problems.extend(_code_problems({kind: code}, f"[{kind}] {_shown(raw)}"))
    return problems


def _code_problems(codes: dict, where: str) -> list[str]:
    problems = []
    for kind, code in codes.items():
        allowed = canonical_codes()[kind]
        if not isinstance(code, str) or code not in allowed:
            problems.append(_("{where}: {code} is not a {kind} code (one of {codes})", where=where,
                              code=_shown(code), kind=kind, codes=", ".join(allowed)))  # fmt: skip
    return problems


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; every mistake is named by its key, in one message."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            _("the mapping file does not exist"), path=path, fix=_("give the path of a .toml or .yaml file")
        )
    data = _load_document(path)
    problems = _problems_of(data)
    columns = data.get("columns") or {}
    has_table = bool(data.get("status"))
    if not problems and "status" in columns and not has_table:
        problems.append(_("a [status] table mapping the source statuses is missing"))
    if not problems and has_table and "status" not in columns:
        problems.append(_("the [status] table maps statuses, but [columns] names no status column: add "
                          "status = \"<column>\" to [columns], or remove [status] to let each order's "
                          "status follow its times"))  # fmt: skip
    if problems:
        shown = problems[:8]
        more = _("; and {count} more", count=len(problems) - len(shown)) if len(problems) > len(shown) else ""
        raise _bad(path, "; ".join(shown) + more)
    mapping = Mapping(path=path, columns=dict(columns), currency=(data.get("source") or {}).get("currency"))
    for raw, target in (data.get("status") or {}).items():
        if isinstance(target, str):
            target = {"status": target}
        for key in value_keys(str(raw)):
            mapping.value_rows.append(
                ("status", key, target["status"], target.get("close_cause"), target.get("cancel_reason"))
            )
    for kind in ("close_cause", "cancel_reason"):
        for raw, code in (data.get(kind) or {}).items():
            for key in value_keys(str(raw)):
                row = ("close_cause", key, None, code, None)
                if kind == "cancel_reason":
                    row = ("cancel_reason", key, None, None, code)
                mapping.value_rows.append(row)
    return mapping


def status_contradictions(con, mapping: Mapping) -> list[str]:
    """Warnings for orders whose mapped status its times contradict: the [status] table is
    likely wrong, and a closed or shipped order counted as open skews every rate."""
    from pipeline.models import sql_text

    warnings = []
    for field_name, orders, order_id, raw, status in con.execute(
        sql_text("int_export_status_contradictions")
    ).fetchall():
        time_name = _("a close time") if field_name == "closed_at" else _("a ship time")
        warnings.append(
            _("{orders} orders have {time} but a status that says otherwise (e.g. order {order}: "
              "{raw!r} maps to {status}); check the [status] table of {mapping}",
              orders=orders, time=time_name, order=order_id, raw=raw, status=status,
              mapping=mapping.path.name)
        )  # fmt: skip
    return warnings
