"""The demo data set: four stores, their simulated orders and rolling exports, and the demo folder."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from pipeline.demo.orders import SimOrder
from pipeline.demo.rolling_export import export_table, rolling_window
from pipeline.demo.simulation import simulate_orders
from pipeline.demo.writers import write_export

#: The demo's fixed "today", so that `storehealth demo` is reproducible.
DEMO_TODAY = datetime(2024, 6, 3, 9, 0)


@dataclass(frozen=True)
class DemoStore:
    """One demo store: its simulated orders and the rolling exports taken of them."""

    store: str
    platform: str
    orders: list[SimOrder]
    # (export time, file name, export_table/write_export options)
    exports: list[tuple[datetime, str, dict[str, Any]]]


_DEMO_PLAN: tuple[tuple[str, str, int, int, tuple[dict[str, Any], ...]], ...] = (
    ("ali-main", "aliexpress", 2400, 0, (
        {"fmt": "xls", "with_reasons": True},
        {"fmt": "xls", "with_reasons": False},  # an older template without the reason columns
        {"fmt": "xls", "with_reasons": True},
        {"fmt": "xls", "with_reasons": True, "reason_style": "label"},
    )),
    ("ali-outlet", "aliexpress", 1800, 5_000_000, (
        {"fmt": "xlsx", "time_style": "dash"},
        {"fmt": "xlsx", "english": True},
        {"fmt": "csv", "encoding": "gbk", "reason_style": "label"},
        {"fmt": "xlsx"},
    )),
    ("ebay-us", "ebay", 1700, 0, tuple({"fmt": "csv"} for _ in range(4))),
    # an independent Shopify store: Admin > Orders > Export, UTF-8 without a BOM
    ("shop-dtc", "shopify", 1500, 0, tuple(
        {"fmt": "csv", "encoding": "utf-8", "stem": "orders_export"} for _ in range(4))),
)  # fmt: skip


def demo_stores(*, seed: int = 7, today: datetime | None = None) -> list[DemoStore]:
    """The demo's stores, orders and export schedule, without writing anything.

    Four rolling exports per store, 3-5 weeks apart (windows overlap, orders change state in
    between), the last a few days before `today`. Orders start 90 days before the first export,
    so every simulated order appears in at least one export.
    """
    today = today or DEMO_TODAY
    out = []
    for store, platform, n, id_offset, files in _DEMO_PLAN:
        rng = random.Random(f"demo-schedule|{store}|{seed}")
        last = datetime.combine((today - timedelta(days=rng.randint(3, 5))).date(),
                                time(rng.randint(8, 18), rng.randrange(60)))  # fmt: skip
        times = [last]
        for _ in files[1:]:
            prev = times[0] - timedelta(days=rng.randint(22, 35))
            times.insert(0, prev.replace(hour=rng.randint(8, 18), minute=rng.randrange(60)))
        start = times[0] - timedelta(days=90)
        orders = simulate_orders(platform, n, start, last, seed=seed, store=store,
                                 id_offset=id_offset)  # fmt: skip
        exports = [
            (t, f"{opts.get('stem', 'orders')}_{t:%Y-%m-%d}.{opts['fmt']}", opts)
            for t, opts in zip(times, files, strict=True)
        ]
        out.append(DemoStore(store, platform, orders, exports))
    return out


def write_demo_exports(
    root: Path, *, seed: int = 7, today: datetime | None = None
) -> list[tuple[str, Path]]:
    """Write the demo exports into ``root/<store>/`` and return [(store, path)] as written.

    ali-main: AliExpress, Chinese headers, .xls (the second export without reason columns);
    ali-outlet: AliExpress .xlsx, one English-header export and one GBK .csv;
    ebay-us: eBay Seller Hub Orders reports (.csv);
    shop-dtc: Shopify orders_export.csv files (one row per line item).
    """
    root = Path(root)
    written = []
    for demo in demo_stores(seed=seed, today=today):
        for when, name, opts in demo.exports:
            table_opts = {k: v for k, v in opts.items() if k not in ("fmt", "encoding", "stem")}
            headers, rows = export_table(demo.orders, demo.platform, when, **table_opts)
            path = write_export(
                root / demo.store / name, headers, rows, platform=demo.platform,
                encoding=opts.get("encoding", "utf-8-sig"),
                seller_id=demo.store.replace("-", "_") + "_shop",
                date_range=(rolling_window(when)[0].date(), when.date()),
            )  # fmt: skip
            written.append((demo.store, path))
    return written
