"""Platform adapters: find the header row, tell the platform, map columns to canonical fields.

The header spellings live in `headers.toml`; the generic adapter takes them from a mapping
file instead. What comes out is one Arrow table of canonical raw text columns, ready for the
SQL staging models, with personal data columns already dropped.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache

from pipeline.adapters.item_row_rule import ItemRowRule
from pipeline.config import HEADERS_FILE
from pipeline.text import normalize_header

PLATFORMS = ("aliexpress", "ebay", "1688", "shopify", "taobao", "generic")

# Canonical raw fields that reach the database. Personal data fields are read (so that the
# header is recognised) but never leave the adapter; buyer_id and buyer_email only as a hash.
RAW_FIELDS = (
    "order_id", "status", "buyer_id", "buyer_email", "buyer_country",
    "created_at", "paid_at", "shipped_at", "received_at", "closed_at", "ship_deadline",
    "product_amount", "shipping_fee", "order_amount", "discount", "line_amount",
    "product_info", "quantity", "item_id", "remark", "shipping_method",
    "tracking", "carrier", "tracking_number",
    "close_reason", "cancel_reason", "cancel_status",
    "currency", "fulfillment_status", "payment_method", "refunded_amount", "item_count",
)  # fmt: skip


@dataclass
class PlatformSpec:
    """What an export of one platform looks like."""

    name: str
    required: tuple[str, ...]
    signature: frozenset[str]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # how an order that spans several rows writes its item rows (None: one row per order)
    item_rows: ItemRowRule | None = None
    # headers only this platform's export has: another platform is never detected beside them
    exclusive: frozenset[str] = frozenset()
    # each field's header as the export writes it, for messages
    display: dict[str, str] = field(default_factory=dict)

    def columns(self, headers: list[str]) -> dict[str, int]:
        """Canonical field -> column index, for the normalised headers of one sheet."""
        position: dict[str, int] = {}
        for index, header in enumerate(headers):
            position.setdefault(header, index)
        found: dict[str, int] = {}
        for name, spellings in self.aliases.items():
            for spelling in spellings:
                if spelling in position:
                    found[name] = position[spelling]
                    break
        return found

    def missing_required(self, headers: list[str]) -> list[str]:
        found = self.columns(headers)
        return [name for name in self.required if name not in found]

    def first_spelling(self, name: str) -> str:
        return self.display.get(name) or self.aliases.get(name, (name,))[0]

    def score(self, headers: list[str]) -> int:
        return len(self.signature.intersection(headers))


def _item_row_rule(table: dict | None) -> ItemRowRule | None:
    if table is None:
        return None
    return ItemRowRule(blank=tuple(table.get("blank", ())), same=tuple(table.get("same", ())))


@cache
def platform_specs() -> dict[str, PlatformSpec]:
    """The built-in platforms, read from `headers.toml`."""
    with HEADERS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    specs = {}
    for name, spec in data.items():
        specs[name] = PlatformSpec(
            name=name,
            required=tuple(spec["required"]),
            signature=frozenset(normalize_header(h) for h in spec["signature"]),
            aliases={
                f: tuple(normalize_header(h) for h in hs) for f, hs in spec["fields"].items()
            },
            item_rows=_item_row_rule(spec.get("item_rows")),
            exclusive=frozenset(normalize_header(h) for h in spec.get("exclusive", ())),
            display={f: hs[0] for f, hs in spec["fields"].items()},
        )
    return specs


def detect_platform(headers: list[str]) -> str | None:
    """The built-in platform whose required columns are all present and signature fits best.

    A platform is never chosen while the headers carry a column only another platform's export
    has (a Taobao 订单报表 shares 订单编号 and 买家会员名 with 1688's export, not 宝贝标题)."""
    specs = platform_specs()
    present = set(headers)
    best, best_score = None, 0
    for spec in specs.values():
        if spec.missing_required(headers):
            continue
        if any(other.exclusive & present for other in specs.values() if other is not spec):
            continue
        score = spec.score(headers)
        if score > best_score:
            best, best_score = spec.name, score
    return best
