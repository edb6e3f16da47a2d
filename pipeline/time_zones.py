"""The store's local time zone, for export cells that name their UTC offset.

SPEC keeps times as the naive local clock times an export writes. Most exports write no zone;
Shopify writes the shop's own offset, so its clock times are the shop's already. An ERP or API
dump may write UTC (`2024-03-05T06:22:10Z`): read as written, its orders would fall on the
wrong day. With a time zone (`ingest --timezone`, `timezone` in stores.toml) every cell that
names its offset is converted to the store's local time (macro parse_local_time); without one,
a file of UTC times is read as written and the ingest says so.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pyarrow.compute as pc

from pipeline.i18n import _

UTC_ENDINGS = ("Z", "+00:00", "+0000", " UTC")


def valid_time_zone(name: str) -> bool:
    """An IANA zone name such as Asia/Shanghai or America/New_York."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in available_timezones() or name == "UTC"


def utc_time_warning(raw, timezone: str | None) -> list[str]:
    """A warning when the export's order times are written in UTC and no time zone was given."""
    if timezone is not None or raw.table is None or "created_at" not in raw.table.column_names:
        return []
    created = raw.table.column("created_at")
    found = None
    for ending in UTC_ENDINGS:
        hits = pc.fill_null(pc.ends_with(created, ending), False)
        if pc.any(hits).as_py():
            found = created.filter(hits)[0].as_py()
            break
    if found is None:
        return []
    return [
        _("order times are written in UTC (e.g. {value!r}) and were read as the clock time written: if "
          "the store keeps another time, ingest with --timezone ZONE (e.g. Asia/Shanghai), or set timezone "
          "in stores.toml, so that orders fall on the store's days", value=found)
    ]  # fmt: skip
