"""1688 (Alibaba's wholesale site) exports: Chinese headers, fen amounts, close reasons."""

from __future__ import annotations

from pipeline.demo.orders import SimOrder
from pipeline.demo.renderers.cells import dash_time, money

HEADERS_1688 = [
    "订单编号", "买家公司名", "买家会员名", "货品总价(元)", "运费(元)", "实付款(元)", "订单状态",
    "订单创建时间", "订单付款时间", "发货时间", "确认收货时间", "收货人姓名", "收货地址", "联系手机",
    "货品标题", "数量", "物流公司", "运单号", "买家留言",
]  # fmt: skip
REASON_HEADERS_1688 = ["关闭原因"]

_STATUS_1688 = {
    "awaiting_payment": "等待买家付款",
    "awaiting_shipment": "等待卖家发货",
    "shipped": "等待买家确认收货",
    "completed": "交易成功",
    "closed": "交易关闭",
}
_LABEL_1688 = {"buyerCancel": "买家取消订单", "sellerGoodsLack": "卖家库存不足", "other": "其它"}


def table_1688(
    states: list[SimOrder], with_reasons: bool, reason_style: str
) -> tuple[list[str], list[list[str]]]:
    """The 1688 export: one row an order, amounts in yuan, the close code or its label."""
    headers = HEADERS_1688 + (REASON_HEADERS_1688 if with_reasons else [])
    rows = []
    for o in states:
        b = o.buyer
        carrier, _, number = o.tracking.partition(":")
        row = [
            o.order_id, b.company, b.buyer_id, money(o.items_cents), money(o.shipping_cents),
            money(o.total_cents), _STATUS_1688[o.status], dash_time(o.created_at),
            dash_time(o.paid_at), dash_time(o.shipped_at), dash_time(o.received_at), b.name,
            f"{b.state} {b.city} {b.street}", b.mobile, "；".join(i.title for i in o.items),
            str(o.quantity), carrier, number, o.remark,
        ]  # fmt: skip
        if with_reasons:
            end = o.end_code if o.closed_at is not None else ""
            row.append(_LABEL_1688[end] if reason_style == "label" and end else end)
        rows.append(row)
    return headers, rows
