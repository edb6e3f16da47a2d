"""The simulated orders of one store: products, buyers, amounts, logistics and lifecycles.

:func:`simulate_orders` draws each order's whole lifecycle (created, paid, maybe a risk-control
hold, then shipped and received, or cancelled, timed out, disputed ...) from one seeded stream,
so the same arguments always give the same orders.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from pipeline.demo.buyers import BuyerPool
from pipeline.demo.catalogue import catalogue
from pipeline.demo.draws import FastRandom, cumulative_weights, random_digits, weighted_index
from pipeline.demo.lifecycles import (
    aliexpress_lifecycle,
    ebay_lifecycle,
    lifecycle_1688,
    shopify_lifecycle,
)
from pipeline.demo.orders import PLATFORMS, SimItem, SimOrder, shopify_status, status_at
from pipeline.demo.shopify_store import SHOP_DISCOUNTS, SHOP_NOTES, SHOP_PAYMENTS, SHOP_TAX

# AliExpress buyer-selected logistics -> (weight, carrier label in the tracking cell, tracking kind)
_ALI_METHODS = (
    ("AliExpress Standard Shipping", 38, "Cainiao", "lp"),
    ("Cainiao Super Economy", 12, "Cainiao", "lp"),
    ("AliExpress Saver Shipping", 10, "Cainiao", "lp"),
    ("AliExpress Selection Standard", 6, "Cainiao", "lp"),
    ("Cainiao Standard For Special Goods", 5, "Cainiao", "lp"),
    ("China Post Registered Air Mail", 5, "China Post", "rr"),
    ("YANWEN Economic Air Mail", 6, "YANWEN", "ug"),
    ("EMS", 3, "EMS", "ea"),
    ("DHL", 4, "DHL", "d10"),
    ("FedEx IE", 2, "FEDEX", "d12"),
    ("UPS Express Saver", 2, "UPS", "1z"),
    ("Aramex", 1, "ARAMEX", "d11"),
)
_EXPRESS_WORDS = ("DHL", "UPS", "FedEx", "TNT", "EMS", "Aramex")
_EXPRESS_METHODS = frozenset(
    m[0] for m in _ALI_METHODS if any(w.lower() in m[0].lower() for w in _EXPRESS_WORDS)
)
_EBAY_METHODS = (
    ("USPS Ground Advantage", 40, "usps"),
    ("USPS Priority Mail", 15, "usps"),
    ("USPS First Class Package", 10, "usps"),
    ("UPS Ground", 12, "1z"),
    ("FedEx Home Delivery", 6, "d12"),
    ("UPS 2nd Day Air", 3, "1z"),
    ("eBay International Standard Delivery", 8, "usps"),
    ("Economy Shipping from outside US", 6, "lp"),
)
_CARRIERS_1688 = (
    ("中通快递", "75", 14), ("圆通速递", "YT", 13), ("韵达快递", "4312", 11), ("申通快递", "77", 13),
    ("顺丰速运", "SF", 13), ("极兔速递", "JT", 13), ("德邦物流", "DPK", 12),
)  # fmt: skip

_REMARKS_EN = (
    "Please ship as soon as possible, it is a gift.", "Please check the color before shipping.",
    "No invoice or price in the package please.", "Can you send it by DHL? I will pay the fee.",
    "Please pack it well, last time the box was broken.", "Size M please, not L.",
    "Please write the correct tracking number.", "I need it before the 20th, thank you!",
    "Por favor enviar rapido", "Merci de bien emballer le colis",
)  # fmt: skip
_REMARKS_ZH = ("请尽快发货", "发中通，谢谢", "需要开发票", "周末不收货", "请仔细检查质量后再发",
               "包装要结实", "和上次一样的颜色")  # fmt: skip
_EBAY_NOTES = (
    "Please leave at the back door.", "Gift - please do not include the receipt.",
    "Can you combine shipping with my other order?", "Please ship ASAP, thanks!",
)  # fmt: skip
_STAFF = ("", "", "", "Lily", "Tom", "王丽", "陈杰")

# relative order volume per hour of day (seller's local time)
_HOUR_WEIGHT = (6, 4, 3, 3, 3, 4, 5, 6, 8, 9, 10, 10, 9, 9, 9, 9, 10, 10, 11, 12, 12, 11, 9, 7)
_HOUR_ACCEPT = tuple(w / max(_HOUR_WEIGHT) for w in _HOUR_WEIGHT)


class _Simulator:
    """Draws whole order lifecycles for one platform and store from one seeded stream."""

    def __init__(self, platform: str, store: str, rng: random.Random) -> None:
        self.platform = platform
        self.store = store
        self.rng = rng
        self.catalogue = catalogue(platform, store)
        # product popularity: a few best sellers, a long tail
        self.product_cum = cumulative_weights([1.0 / (k + 1) ** 0.8 for k in range(len(self.catalogue))])
        self.buyer_pool = BuyerPool(platform, rng)
        if platform == "aliexpress":
            self.methods: tuple[Any, ...] = _ALI_METHODS
        elif platform == "ebay":
            self.methods = _EBAY_METHODS
        elif platform == "shopify":  # the payment methods, drawn the same way
            self.methods = SHOP_PAYMENTS
        else:
            self.methods = _CARRIERS_1688
        self.method_cum = cumulative_weights([m[1] for m in self.methods] if platform != "1688"
                                             else [1] * len(self.methods))  # fmt: skip

    def items(self) -> tuple[SimItem, ...]:
        """An order's line items: mostly one, popular products most often, some wholesale."""
        rng = self.rng
        r = rng.random()
        if self.platform == "1688":
            n = 1 if r < 0.8 else 2
        else:
            n = 1 if r < 0.78 else (2 if r < 0.94 else 3)
        wholesale = self.platform != "1688" and rng.random() < 0.03
        chosen: list[int] = []
        while len(chosen) < n:
            k = weighted_index(rng, self.product_cum)
            if k not in chosen:
                chosen.append(k)
        out = []
        for k in chosen:
            p = self.catalogue[k]
            if self.platform == "1688":
                qty = rng.choice((10, 20, 20, 30, 50, 50, 100, 100, 200, 500))
            elif wholesale:
                qty = rng.randint(10, 60)
                wholesale = False
            else:
                q = rng.random()
                qty = 1 if q < 0.8 else (2 if q < 0.94 else rng.randint(3, 5))
            line_id = f"{rng.randint(1, 9)}{random_digits(rng, 12)}" if self.platform == "ebay" else ""
            out.append(SimItem(p.title, p.sku, rng.choice(p.variants), qty, p.unit_cents,
                               p.item_number, line_id))  # fmt: skip
        return tuple(out)

    def tracking(self, kind: str) -> str:
        """A tracking number shaped as the carrier `kind` writes it."""
        rng = self.rng
        match kind:
            case "lp":
                return f"LP00{random_digits(rng, 9)}"
            case "rr":
                return f"RR{random_digits(rng, 9)}CN"
            case "ug":
                return f"UG{random_digits(rng, 9)}YP"
            case "ea":
                return f"EA{random_digits(rng, 9)}CN"
            case "1z":
                return "1Z" + "".join(rng.choices("0123456789ABCDEFGHJKLMNPRSTUVWXY", k=16))
            case "usps":
                return f"9400{random_digits(rng, 9)}{random_digits(rng, 9)}"
            case _:
                return random_digits(rng, int(kind[1:]))

    # -- one order ----------------------------------------------------------------------------

    def order(self, i: int, created: datetime, id_offset: int) -> SimOrder:
        """The `i`-th order of the store, created at `created`: id, items, amounts, lifecycle."""
        if self.platform == "shopify":
            return self._order_shopify(i, created, id_offset)
        rng = self.rng
        seq = id_offset + i
        if self.platform == "aliexpress":
            order_id = str(8_180_000_000_000_000 + seq * 1_000 + rng.randrange(1_000))
        elif self.platform == "ebay":
            s = f"{120_000_000_000 + seq * 997 + rng.randrange(997):012d}"
            order_id = f"{s[:2]}-{s[2:7]}-{s[7:]}"
        else:
            order_id = str(1_800_000_000_000_000_000 + seq * 100_003 + rng.randrange(100_003))
        items = self.items()
        buyer = self.buyer_pool.next_buyer()
        method = self.methods[weighted_index(rng, self.method_cum)]
        items_cents = sum(x.line_cents for x in items)
        express = method[0] in _EXPRESS_METHODS
        shipping = discount = tax = 0
        remark = ""
        staff = ""
        if self.platform == "aliexpress":
            if express:
                shipping = rng.randint(800, 3500)
            elif rng.random() < 0.25:
                shipping = rng.randint(50, 400)
            if items_cents >= 1500 and rng.random() < 0.15:
                discount = min(rng.choice((100, 200, 300, 500)), items_cents * 3 // 10)
            if rng.random() < 0.07:
                remark = rng.choice(_REMARKS_EN)
            staff = rng.choice(_STAFF)
        elif self.platform == "ebay":
            if rng.random() < 0.35:
                shipping = rng.choice((399, 499, 599, 899, 1299))
            if buyer.country_code == "US":
                tax = (items_cents + shipping) * rng.choice((5, 6, 7, 8, 9)) // 100
            if rng.random() < 0.04:
                remark = rng.choice(_EBAY_NOTES)
        else:
            if rng.random() < 0.5:
                shipping = rng.choice((500, 800, 1000, 1500, 2500))
            if rng.random() < 0.1:
                remark = rng.choice(_REMARKS_ZH)
        if self.platform == "aliexpress":
            ev = aliexpress_lifecycle(rng, created, slow=any(x.quantity >= 10 for x in items))
        elif self.platform == "ebay":
            ev = ebay_lifecycle(rng, created)
        else:
            ev = lifecycle_1688(rng, created)
        if ev.get("shipped_at") is not None:
            if self.platform == "aliexpress":
                ev["tracking"] = f"{method[2]}:{self.tracking(method[3])}"
            elif self.platform == "ebay":
                ev["tracking"] = self.tracking(method[2])
            else:
                ev["tracking"] = f"{method[0]}:{method[1]}{random_digits(rng, method[2] - len(method[1]))}"
        status = status_at(
            ev.get("paid_at"), ev.get("hold_until"), ev.get("cancel_requested_at"),
            ev.get("shipped_at"), ev.get("dispute_at"), ev.get("received_at"),
            ev.get("closed_at"), None,
        )  # fmt: skip
        return SimOrder(
            platform=self.platform, store=self.store, order_id=order_id,
            record_no=10_001 + seq, created_at=created, items=items, items_cents=items_cents,
            shipping_cents=shipping,
            discount_cents=discount, tax_cents=tax, buyer=buyer,
            shipping_method=method[0] if self.platform != "1688" else "",
            remark=remark, staff=staff, variant=rng.randrange(100), status=status, **ev,
        )  # fmt: skip

    def _order_shopify(self, i: int, created: datetime, id_offset: int) -> SimOrder:
        """A Shopify order: #1001, #1002 ... in order of creation; US sales tax; discount codes."""
        rng = self.rng
        seq = id_offset + i
        items = self.items()
        buyer = self.buyer_pool.next_buyer()
        method, _, how = self.methods[weighted_index(rng, self.method_cum)]
        items_cents = sum(x.line_cents for x in items)
        discount = 0
        code = ""
        if rng.random() < 0.18:
            code, percent = rng.choice(SHOP_DISCOUNTS)
            if percent:
                discount = items_cents * percent // 100
            elif items_cents >= 3000:
                discount = 500
            else:
                code = ""
        subtotal = items_cents - discount
        if rng.random() < 0.07:
            shipping_method, shipping = "UPS 2nd Day Air", 1499
        elif buyer.country_code != "US":
            shipping_method, shipping = "International Shipping", 1299
        elif subtotal >= 5000:
            shipping_method, shipping = "Free Shipping", 0
        else:
            shipping_method, shipping = "Standard", rng.choice((499, 599))
        rate = SHOP_TAX[(buyer.country_code, buyer.state)]
        tax = int(subtotal * rate / 100 + 0.5)
        remark = rng.choice(SHOP_NOTES) if rng.random() < 0.05 else ""
        due = how if how in ("on_delivery", "on_capture") else ""
        ev = shopify_lifecycle(rng, created, len(items), how)
        refund = ev.pop("refund", None)
        total = items_cents + shipping + tax - discount
        if refund == "full":
            ev["refund_cents"] = total
        elif refund == "partial":  # one item returned, or a goodwill refund
            ev["refund_cents"] = (items[-1].unit_cents if len(items) > 1
                                  else total * rng.choice((10, 20, 25, 50)) // 100)  # fmt: skip
        status = status_at(
            ev.get("paid_at"), None, None, ev.get("shipped_at"), None, None, ev.get("closed_at"),
            None,
        )  # fmt: skip
        status = shopify_status(status, due, ev.get("part_shipped_at"))
        return SimOrder(
            platform="shopify", store=self.store, order_id=f"#{1001 + seq}",
            record_no=10_001 + seq, created_at=created, items=items, items_cents=items_cents,
            shipping_cents=shipping, discount_cents=discount, tax_cents=tax, buyer=buyer,
            shipping_method=shipping_method, remark=remark, staff="",
            variant=rng.randrange(100), status=status, payment_method=method,
            payment_due=due, discount_code=code, **ev,
        )  # fmt: skip


def simulate_orders(
    platform: str,
    n_orders: int,
    start: datetime,
    end: datetime,
    *,
    seed: int,
    store: str = "demo",
    id_offset: int = 0,
) -> list[SimOrder]:
    """Simulate `n_orders` whole lifecycles created in [start, end], oldest first.

    Later events may fall after `end` (orders still open at the end keep living), which is what
    makes recent orders of an export open. Same arguments, same orders. `id_offset` shifts the
    order ids and record numbers so that separate calls never share an id.
    """
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; expected one of {PLATFORMS}")
    if end <= start:
        raise ValueError("end must be after start")
    rng = FastRandom(f"{platform}|{store}|{seed}")
    sim = _Simulator(platform, store, rng)
    span = int((end - start).total_seconds())
    day_span = max(span // 86_400, 1)
    created: list[datetime] = []
    while len(created) < n_orders:
        # mild growth over the period, and a day/night rhythm
        day = int(day_span * rng.random() ** 0.9)
        second = rng.randrange(86_400)
        if rng.random() > _HOUR_ACCEPT[second // 3600]:
            continue
        offset = day * 86_400 + second
        if offset <= span:
            created.append(start + timedelta(seconds=offset))
    created.sort()
    return [sim.order(i, t, id_offset) for i, t in enumerate(created)]
