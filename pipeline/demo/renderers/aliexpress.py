"""AliExpress batch exports: Chinese or English headers, statuses, reasons and product cells."""

from __future__ import annotations

import functools

from pipeline.demo.orders import SimItem, SimOrder
from pipeline.demo.renderers.cells import dash_time, dot_time, money

ALI_PRODUCT_INFO_HEADER = "产品信息\n（双击单元格展开所有产品信息！）"

ALI_HEADERS_ZH = [
    "订单号", "订单状态", "负责人(业务员)", "买家名称", "买家邮箱", "下单时间", "付款时间",
    "产品总金额", "物流费用", "订单金额", "满立减", ALI_PRODUCT_INFO_HEADER, "订单备注",
    "收货地址", "收货人名称", "收货国家", "州/省", "城市", "地址", "邮编", "联系电话", "手机",
    "买家选择物流", "发货期限", "实际发货物流:运单号", "发货时间", "确认收货时间",
]  # fmt: skip
ALI_REASON_HEADERS_ZH = ["订单关闭原因", "取消原因", "关闭时间"]

ALI_HEADERS_EN = [
    "Order ID", "Order Status", "Order Date", "Payment Date", "Product Total", "Shipping Cost",
    "Order Amount", "Product Information", "Order Remarks", "Buyer Name", "Buyer Country",
    "Buyer Selected Logistics", "Shipping Deadline", "Tracking Number", "Shipping Time",
    "Confirmed Received Time",
]  # fmt: skip
ALI_REASON_HEADERS_EN = ["Close Reason", "Cancel Reason", "Close Time"]

_ALI_STATUS_ZH = {
    "awaiting_payment": "等待买家付款",
    "awaiting_shipment": "等待您发货",
    "shipped": "等待买家收货",
    "cancel_requested": "买家申请取消",
    "in_dispute": "含纠纷的订单",
    "on_hold": "订单处于风控24小时中",
    "closed": "订单关闭",
    "completed": "订单结束",
}
_ALI_STATUS_EN = {
    "awaiting_payment": "PLACE_ORDER_SUCCESS",
    "awaiting_shipment": "WAIT_SELLER_SEND_GOODS",
    "shipped": "WAIT_BUYER_ACCEPT_GOODS",
    "cancel_requested": "IN_CANCEL",
    "in_dispute": "IN_ISSUE",
    "on_hold": "RISK_CONTROL",
    # AliExpress ends closed and completed orders alike as FINISH; the end reason tells them apart.
    "closed": "FINISH",
    "completed": "FINISH",
}

# AliExpress end-reason code -> Chinese label (the "label" reason style).
_ALI_CODE_LABEL = {
    "buyer_pay_timeout": "买家付款超时",
    "pay_timeout": "买家付款超时",
    "buyer_cancel_notpay_order": "买家取消未付款订单",
    "cancel_order_close_trade": "买家取消订单",
    "buyer_cancel_order": "买家取消订单",
    "seller_send_goods_timeout": "卖家发货超时",
    "send_goods_timeout": "卖家发货超时",
    "risk_reject_closed": "风控关闭",
    "risk_closed": "风控关闭",
    "security_close": "风控关闭",
    "seller_accept_issue_no_goods_return": "纠纷退款",
    "seller_response_issue_timeout": "纠纷退款",
    "end_issue": "纠纷结束",
    "buyer_accept_goods": "买家确认收货",
    "buyer_accept_goods_timeout": "确认收货超时",
}

# canonical cancel reason -> (Chinese texts, English buyer-facing text or None)
_CANCEL_TEXT: dict[str, tuple[tuple[str, ...], str | None]] = {
    "buyer_changed_mind": (("买家不想购买这个订单", "不想买了"), "I do not want this order"),
    "processing_time_too_long": (
        ("备货期不满足买家期望值",),
        "Processing time is out of my expectation",
    ),
    "seller_raised_price": (("您上涨订单价格", "卖家涨价"), "Seller raised price of this order"),
    "seller_no_response": (
        ("您不回复买家咨询", "卖家未回复"),
        "Seller did not respond to my question",
    ),
    "cannot_use_selected_shipping": (
        ("您无法使用买家选择物流方式发货",),
        "Seller is unable to ship my order by selected shipping method",
    ),
    "out_of_stock": (("商品缺货",), "Products out of stock"),
    "ordered_by_mistake": (("买家下错单",), None),
    "duplicate_order": (("买家重复下单",), None),
    "other": (("其他原因",), "other reasons"),
}


@functools.lru_cache(maxsize=1 << 16)
def _product_info(items: tuple[SimItem, ...]) -> str:
    """AliExpress's multi-line 产品信息 cell (cached: the same baskets recur)."""
    lines = []
    for k, it in enumerate(items, 1):
        lines.append(f"【{k}】 {it.title}")
        if it.attrs:
            lines.append(f"(产品属性: {it.attrs})")
        lines.append(f"(商家编码: {it.sku})")
        lines.append(f"(产品数量: {it.quantity})")
        lines.append(f"(单价: ${money(it.unit_cents)})")
    return "\n".join(lines)


def _cancel_text(o: SimOrder, lang: str) -> str:
    if o.cancel_reason is None:
        return ""
    zh, en = _CANCEL_TEXT[o.cancel_reason]
    if lang == "en" and en is not None:
        return en
    return zh[o.variant % len(zh)]


def chinese_table(
    states: list[SimOrder], with_reasons: bool, time_style: str, reason_style: str, lang: str
) -> tuple[list[str], list[list[str]]]:
    """The Chinese-UI export: Chinese statuses, end codes or their labels, multi-line product cells."""
    ft = dash_time if time_style == "dash" else dot_time
    headers = ALI_HEADERS_ZH + (ALI_REASON_HEADERS_ZH if with_reasons else [])
    rows = []
    for o in states:
        b = o.buyer
        status = _ALI_STATUS_ZH[o.status]
        if o.status == "closed" and with_reasons and o.paid_at is not None and o.variant < 40:
            status = "订单结束"  # the end reason says it ended without a sale
        elif o.status == "completed" and o.variant % 2:
            status = "交易完成"
        us = "US $"
        row = [
            o.order_id, status, o.staff, b.name, b.email, ft(o.created_at), ft(o.paid_at),
            us + money(o.items_cents), us + money(o.shipping_cents), us + money(o.total_cents),
            us + money(o.discount_cents) if o.discount_cents else "", _product_info(o.items),
            o.remark, f"{b.street}, {b.city}, {b.state}, {b.zip}, {b.country}", b.name,
            b.country, b.state, b.city, b.street, b.zip, b.phone, b.mobile, o.shipping_method,
            o.ship_deadline.isoformat() if o.ship_deadline else "", o.tracking,
            ft(o.shipped_at), ft(o.received_at),
        ]  # fmt: skip
        if with_reasons:
            end = o.end_code
            if reason_style == "label" and end:
                end = _ALI_CODE_LABEL[end]
            row += [end, _cancel_text(o, lang), ft(o.closed_at)]
        rows.append(row)
    return headers, rows


def english_table(
    states: list[SimOrder], with_reasons: bool, time_style: str, lang: str
) -> tuple[list[str], list[list[str]]]:
    """The English-UI export: fewer columns, status codes (closed and completed both FINISH)."""
    ft = dash_time if time_style == "dash" else dot_time
    headers = ALI_HEADERS_EN + (ALI_REASON_HEADERS_EN if with_reasons else [])
    rows = []
    for o in states:
        row = [
            o.order_id, _ALI_STATUS_EN[o.status], ft(o.created_at), ft(o.paid_at),
            "US $" + money(o.items_cents), "US $" + money(o.shipping_cents),
            "US $" + money(o.total_cents), _product_info(o.items), o.remark, o.buyer.name,
            o.buyer.country, o.shipping_method,
            o.ship_deadline.isoformat() if o.ship_deadline else "", o.tracking,
            ft(o.shipped_at), ft(o.received_at),
        ]  # fmt: skip
        if with_reasons:
            row += [o.end_code, _cancel_text(o, lang), ft(o.closed_at)]
        rows.append(row)
    return headers, rows
