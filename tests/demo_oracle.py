"""Ground truth for the demo generator: what a correct ingest of its exports must arrive at.

Computed from the simulated orders (pipeline.demo), independently of the pipeline, so that the
tests can check the ingest's history against it. Test-only: the pipeline never needs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pipeline.demo import DemoStore, SimOrder, rolling_window, state_as_of

#: The cancel reasons AliExpress counts toward 成交不卖 (SPEC section 2, marked ★).
SELLER_FAULT_REASONS = frozenset(
    {"seller_raised_price", "seller_no_response", "cannot_use_selected_shipping", "out_of_stock"}
)


def _seller_fault(d: dict[str, Any]) -> bool:
    return (
        d["status"] == "closed"
        and d["paid_at"] is not None
        and d["shipped_at"] is None
        and (d["close_cause"] == "seller_ship_timeout"
             or d["cancel_reason"] in SELLER_FAULT_REASONS)
    )  # fmt: skip


def canonical_state(s: SimOrder) -> dict[str, Any]:
    """The canonical facts (SPEC section 2) an ingest of this snapshot must arrive at.

    This is what an export *with* its reason columns says. A closed order whose export gives
    no reason (1688's payment timeouts) gets the SPEC's inferred cause, `cause_inferred`.
    """
    closed = s.status == "closed"
    d = {
        "order_id": s.order_id,
        "platform": s.platform,
        "store": s.store,
        "status": s.status,
        "close_cause": s.close_cause if closed else None,
        "cause_inferred": closed and not s.end_code,
        "cancel_reason": s.cancel_reason,
        "seller_fault": False,
        "created_at": s.created_at,
        "paid_at": s.paid_at,
        "shipped_at": s.shipped_at,
        "received_at": s.received_at,
        "closed_at": s.closed_at,
        "ship_deadline": s.ship_deadline,
        "quantity": s.quantity,
        "amount_cents": s.total_cents,
    }
    d["seller_fault"] = _seller_fault(d)
    return d


def true_final_states(orders: Iterable[SimOrder], as_of: datetime) -> dict[str, dict[str, Any]]:
    """Canonical state of every order created by `as_of`, as of `as_of` (keyed by order id).

    Matches an ingest's current state for orders inside the latest export's window; for orders
    that aged out earlier use :func:`expected_history_states`.
    """
    out = {}
    for o in orders:
        s = state_as_of(o, as_of)
        if s is not None:
            out[o.order_id] = canonical_state(s)
    return out


def _infer_cause(s: SimOrder, first_seen_closed: datetime) -> str:
    """SPEC section 2's inference for a closed order no export gave a reason for."""
    if s.paid_at is None:
        return "payment_timeout"
    if s.shipped_at is not None:
        return "dispute_refund"
    if s.ship_deadline is not None and first_seen_closed.date() > s.ship_deadline:
        return "seller_ship_timeout"
    return "buyer_cancelled_paid"


def expected_history_states(
    orders: Iterable[SimOrder],
    exports: Iterable[datetime | tuple[datetime, bool]],
    *,
    window_days: int = 90,
) -> dict[str, dict[str, Any]]:
    """What a cumulative history of these rolling exports must hold (SPEC section 3).

    `exports` are export times, or (time, with_reasons) pairs when some files lack the reason
    columns. Each order takes the state of the latest export whose window contained it; a close
    or cancel reason seen once is kept; a closed order no export gave a reason for gets the
    inferred cause, judged at the export that first showed it closed. Orders no export saw are
    absent.
    """
    plan = sorted((e, True) if isinstance(e, datetime) else (e[0], bool(e[1])) for e in exports)
    out = {}
    for o in orders:
        last: SimOrder | None = None
        cause: str | None = None
        reason: str | None = None
        first_closed: datetime | None = None
        for t, with_reasons in plan:
            lo, hi = rolling_window(t, window_days)
            if not lo <= o.created_at <= hi:
                continue
            s = state_as_of(o, t)
            assert s is not None
            last = s
            if s.status == "closed" and first_closed is None:
                first_closed = t
            if with_reasons:
                if s.status == "closed" and s.end_code:
                    cause = s.close_cause
                reason = s.cancel_reason or reason
        if last is None:
            continue
        d = canonical_state(last)
        d["cancel_reason"] = reason
        if d["status"] == "closed":
            assert first_closed is not None
            d["cause_inferred"] = cause is None
            d["close_cause"] = cause if cause is not None else _infer_cause(last, first_closed)
        d["seller_fault"] = _seller_fault(d)
        out[o.order_id] = d
    return out


def expected_demo_history(demo: DemoStore) -> dict[str, dict[str, Any]]:
    """The current state an ingest of all of this demo store's exports must arrive at."""
    plan = [(t, opts.get("with_reasons", True)) for t, _, opts in demo.exports]
    return expected_history_states(demo.orders, plan)
