"""Each platform's length limit: a long summary is cut, keeps its breaches, and says how many
more there are (issue 17). Pure functions: no server needed."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.notify.formats import (
    DINGTALK_MAX_BYTES,
    FEISHU_MAX_BYTES,
    body_bytes,
    dingtalk_body,
    feishu_body,
    slack_body,
    wecom_body,
)
from pipeline.notify.message import Message, StoreBlock


def long_message(stores: int, warnings: int) -> Message:
    """`stores` stores (the first in breach) and `warnings` warnings, in Chinese (3 bytes a character)."""
    blocks = tuple(
        StoreBlock(f"店铺-{n:03d}", (f"订单 {n}，成交不卖率 1.00%", "超标" if n == 0 else "正常"), n == 0)
        for n in range(stores)
    )  # fmt: skip
    return Message(
        title="storehealth 每周概要 2024-W19", intro="很长的一周", stores=blocks, warnings_heading="警告",
        warnings=tuple(f"店铺-{n:03d}：最新导出已有 30 天，订单可能丢失，请立即导出 {'长' * 40}"
                       for n in range(warnings)),
        reports="报告：/srv/reports/index.html", alert="breach",
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu", "slack"])
def test_a_long_summary_is_cut_to_the_platform_limit_and_says_how_many_more(kind: str) -> None:
    from pipeline.i18n import using

    message = long_message(stores=120, warnings=400)
    with using("en"):
        body = {"wecom": wecom_body, "dingtalk": dingtalk_body, "feishu": feishu_body, "slack": slack_body}[
            kind
        ](message)
    text = json.dumps(body, ensure_ascii=False)
    if kind == "wecom":
        assert len(body["markdown"]["content"].encode("utf-8")) <= 4096
    elif kind == "dingtalk":
        assert body_bytes(body) <= DINGTALK_MAX_BYTES
    elif kind == "feishu":
        assert body_bytes(body) <= FEISHU_MAX_BYTES
    else:
        assert len(body["blocks"]) <= 50
        assert all(len(b["text"]["text"]) <= 3000 for b in body["blocks"] if b["type"] == "section")
    assert "店铺-000" in text and "超标" in text  # the breach, sorted first, stays
    warnings_shown = len(re.findall(r"最新导出已有 30 天", text))
    warnings_more = int(re.search(r"and (\d+) more warnings", text).group(1)) if warnings_shown < 400 else 0
    assert warnings_shown + warnings_more == 400
    stores_shown = len(set(re.findall(r"\*+店铺-(\d{3})\*+", text)))
    more = re.search(r"and (\d+) more stores", text)
    assert stores_shown + (int(more.group(1)) if more else 0) == 120
    assert warnings_shown < 400  # it was cut


def test_a_short_summary_is_not_cut() -> None:
    message = long_message(stores=3, warnings=2)
    for render in (wecom_body, dingtalk_body, feishu_body, slack_body):
        text = json.dumps(render(message), ensure_ascii=False)
        assert "more" not in text and text.count("最新导出已有") == 2 and "店铺-002" in text


def test_slack_escapes_its_control_characters() -> None:
    message = long_message(stores=1, warnings=0)
    message = Message(**{**message.__dict__, "warnings": ("a <b> & c",)})
    (warning,) = [
        b
        for b in slack_body(message)["blocks"]
        if b["type"] == "section" and "a &lt;b&gt;" in b["text"]["text"]
    ]
    assert "&amp; c" in warning["text"]["text"]


def test_the_signatures_follow_the_documented_algorithms() -> None:
    """Fixed vectors worked out by hand with hmac/base64 on the platforms' documented recipes."""
    import base64
    import hashlib
    import hmac

    from pipeline.notify.signing import dingtalk_sign, feishu_sign

    ding = base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()).decode()
    assert dingtalk_sign("SECabc", 1700000000000) == ding
    feishu = base64.b64encode(hmac.new(b"1700000000\nabc", b"", hashlib.sha256).digest()).decode()
    assert feishu_sign("abc", 1700000000) == feishu
    assert dingtalk_sign("SECabc", 1700000000000) != feishu_sign("SECabc", 1700000000000)
