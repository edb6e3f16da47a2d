"""Refusing an export whose order ids Excel rounded: such ids can merge two orders into one."""

from __future__ import annotations

import duckdb

from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.models import sql_text


def refuse_damaged_ids(con: duckdb.DuckDBPyConnection, path, *, several_sheets: bool) -> None:
    """Raise InputError naming a damaged id when the export's ids are no longer the platform's."""
    found = con.execute(sql_text("int_export_damaged_ids")).fetchone()
    if found is None:
        return
    order_id, sheet, row, damage = found
    if damage == "maybe_rounded":  # too few long ids to tell by themselves: the history may
        found = con.execute(sql_text("int_export_rounded_twins")).fetchone()
        if found is None:
            return
        order_id, sheet, row, twin = found
        damage = "twin"
    if damage == "twin":
        why = _("order number {value} is new to the history, but the store has order {twin} with the "
                "same first 15 digits: Excel opened and saved the file and kept only 15 digits of each "
                "long order number", value=order_id, twin=twin)  # fmt: skip
    elif damage == "scientific":
        why = _("order number {value} is in scientific notation: Excel opened and saved the file and "
                "rounded its long order numbers", value=order_id)  # fmt: skip
    else:
        why = _("order number {value} ends in zeros where a real one has digits, as do all long order "
                "numbers in the file: Excel opened and saved the file and kept only 15 digits of each",
                value=order_id)  # fmt: skip
    raise InputError(
        why + _(". Rounded numbers are not the platform's order numbers, and two orders can become one: "
                "nothing was ingested"),
        path=path,
        row=row,
        sheet=sheet if several_sheets else None,
        fix=_("export the orders again and ingest that file without opening and saving it in Excel; "
              "if it must be opened, import the order number column as Text"),
    )  # fmt: skip
