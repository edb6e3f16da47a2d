"""The generic adapter: any CSV or workbook, described by a small TOML or YAML mapping file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.adapters import RAW_FIELDS, PlatformSpec
from pipeline.adapters.item_rows import ItemRowRule
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


def _bad(path: Path, problem: str) -> InputError:
    return InputError(
        problem,
        path=path,
        fix=_("correct the mapping file; the README's 'Mapping files' section has a full example"),
    )


def _load_document(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, _("cannot read the mapping file ({error})", error=exc)) from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(text) or {}
        else:
            data = tomllib.loads(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise _bad(path, _("the mapping file is not valid {format}: {error}",
                           format=path.suffix[1:].upper(), error=exc)) from None
    if not isinstance(data, dict):
        raise _bad(path, _("the mapping file must hold tables such as [columns] and [status]"))
    return data


def _check_code(path: Path, kind: str, code: object, where: str) -> str:
    allowed = canonical_codes()[kind]
    if not isinstance(code, str) or code not in allowed:
        raise _bad(path, _("{where}: {code!r} is not a {kind} code (one of {codes})",
                           where=where, code=code, kind=kind, codes=", ".join(allowed)))
    return code


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file, naming the offending key on any mistake."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            _("the mapping file does not exist"), path=path, fix=_("give the path of a .toml or .yaml file")
        )
    data = _load_document(path)
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise _bad(path, _("a [columns] table naming the source column of each field is missing"))
    for name, header in columns.items():
        if name not in RAW_FIELDS:
            raise _bad(path, _("[columns] {name!r} is not a field (one of {fields})",
                               name=name, fields=", ".join(RAW_FIELDS)))
        if not isinstance(header, str) or not header.strip():
            raise _bad(path, _("[columns] {name} must name a source column", name=name))
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise _bad(path, _("[columns] must map {fields}", fields=", ".join(missing)))
    mapping = Mapping(path=path, columns=dict(columns), currency=data.get("source", {}).get("currency"))
    for raw, target in (data.get("status") or {}).items():
        where = f"[status] {raw!r}"
        if isinstance(target, str):
            target = {"status": target}
        if not isinstance(target, dict) or "status" not in target:
            raise _bad(path, _("{where} must be a status code or a table with `status`", where=where))
        status = _check_code(path, "status", target["status"], where)
        cause = target.get("close_cause")
        reason = target.get("cancel_reason")
        if cause is not None:
            _check_code(path, "close_cause", cause, where)
        if reason is not None:
            _check_code(path, "cancel_reason", reason, where)
        for key in value_keys(str(raw)):
            mapping.value_rows.append(("status", key, status, cause, reason))
    for kind in ("close_cause", "cancel_reason"):
        for raw, code in (data.get(kind) or {}).items():
            _check_code(path, kind, code, f"[{kind}] {raw!r}")
            for key in value_keys(str(raw)):
                row = ("close_cause", key, None, code, None)
                if kind == "cancel_reason":
                    row = ("cancel_reason", key, None, None, code)
                mapping.value_rows.append(row)
    has_table = any(row[0] == "status" for row in mapping.value_rows)
    if "status" in columns and not has_table:
        raise _bad(path, _("a [status] table mapping the source statuses is missing"))
    if has_table and "status" not in columns:
        raise _bad(path, _("the [status] table maps statuses, but [columns] names no status column: add "
                           "status = \"<column>\" to [columns], or remove [status] to let each order's "
                           "status follow its times"))  # fmt: skip
    return mapping


def status_contradictions(con, mapping: Mapping) -> list[str]:
    """Warnings for orders whose mapped status its times contradict: the [status] table is
    likely wrong, and a closed or shipped order counted as open skews every rate."""
    from pipeline.database import sql_text

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
