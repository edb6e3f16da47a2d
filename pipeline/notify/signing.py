"""The robots' signatures, each by its platform's documented algorithm (a robot with signing on
refuses an unsigned or wrongly signed message with an error code in a 200 reply)."""

from __future__ import annotations

import base64
import hashlib
import hmac


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk custom robot, 加签: base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")),
    the timestamp in milliseconds; the caller URL-encodes it into `&timestamp=…&sign=…`.
    Source: DingTalk's custom-robot security settings (open.dingtalk.com, "自定义机器人安全设置"),
    as implemented e.g. in blog.csdn.net/u012399690/article/details/121334258 and the glama.ai
    mcp-dingding-bot client (src/dingtalk_custom_robot.ts)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu custom bot, 签名校验: base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")), the
    timestamp in seconds (within an hour of Feishu's clock); both go in the JSON body.
    Source: Feishu's "自定义机器人使用指南" (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot),
    whose Python sample is quoted in createh5.com/post/277.html; the key is the string, the message
    empty (a DingTalk-style signature fails with code 19021, damodev.csdn.net)."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
