"""Each platform's own message body, within its length limits.

A message that does not fit loses warnings from the end first, then stores from the end, and
says how many more there are: the breaches (sorted first) are the last to go.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape

from pipeline.notify.message import Message

# WeCom group robot, msgtype markdown: "markdown.content ... 最长不超过4096个字节，必须是utf8编码";
# the reply is {"errcode": 0, "errmsg": "ok"}, any other errcode is a failure.
# Source: developer.work.weixin.qq.com/document/path/91770 (群机器人配置说明), as quoted in
# lyf571321556/chat-robot-api qiye_wechat/markdown.go and zhyhang/webhook-bridge WxWorkRobotMdMsg.java.
WECOM_MAX_BYTES = 4096
# DingTalk custom robot: {"msgtype": "markdown", "markdown": {"title", "text"}}, reply errcode 0
# (open.dingtalk.com/document/robots/custom-robot-access; message types in
# open.dingtalk.com/document/development/robot-message-type). DingTalk publishes no exact size;
# 20,000 bytes of body is the figure the brief gives and clients use.
DINGTALK_MAX_BYTES = 20_000
# Feishu custom bot: {"msg_type": "interactive", "card": {...}}, reply {"code": 0}; "请求体大小不
# 能超过20k" (code 9499 Bad Request beyond it), per the bot guide as quoted in
# blog.csdn.net/qq_43108153/article/details/136166075. Some pages say 30 KB: the smaller is kept.
FEISHU_MAX_BYTES = 20_000
# Slack incoming webhook with Block Kit: at most 50 blocks, a section's text at most 3,000
# characters (a longer one is refused with 400 invalid_blocks), a header's plain text at most 150;
# the reply body is "ok". Sources: api.slack.com/reference/block-kit/blocks (limits, as cited in
# gitlab-org/release-tools MR 1786 and slackapi/bolt-js issue 2509) and
# docs.slack.dev/tools/java-slack-sdk/guides/incoming-webhooks.
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_CHARS = 3000
SLACK_HEADER_CHARS = 150


def fitted(message: Message, render: Callable[[Message], dict], fits: Callable[[dict], bool]) -> dict:
    """`render(message)`, cut until `fits` says yes: warnings first, then stores, from the end."""
    body = render(message)
    if fits(body):
        return body
    stores, warnings = len(message.stores), len(message.warnings)
    while warnings > 0:
        warnings -= 1
        body = render(message.cut(stores, warnings))
        if fits(body):
            return body
    while stores > 0:
        stores -= 1
        body = render(message.cut(stores, 0))
        if fits(body):
            return body
    return body  # the title alone: as small as it gets


def body_bytes(body: dict) -> int:
    return len(json.dumps(body, ensure_ascii=False).encode("utf-8"))


def markdown_text(message: Message, heading: str = "###") -> str:
    """The message as the markdown WeCom and DingTalk show: bold, quotes, plain lines."""
    parts = [f"{heading} {message.title}", message.intro]
    for block in message.stores:
        parts.append(f"**{block.heading}**\n" + "\n".join(f"> {line}" for line in block.lines))
    if message.more_stores():
        parts.append(message.more_stores())
    if message.warnings or message.warnings_left:
        lines = [f"- {w}" for w in message.warnings]
        if message.more_warnings():
            lines.append(message.more_warnings())
        parts.append(f"**{message.warnings_heading}**\n" + "\n".join(lines))
    if message.reports:
        parts.append(message.reports)
    return "\n\n".join(parts)


def wecom_body(message: Message) -> dict:
    def render(m: Message) -> dict:
        return {"msgtype": "markdown", "markdown": {"content": markdown_text(m)}}

    return fitted(message, render, lambda b: len(b["markdown"]["content"].encode("utf-8")) <= WECOM_MAX_BYTES)


def dingtalk_body(message: Message) -> dict:
    def render(m: Message) -> dict:
        return {"msgtype": "markdown", "markdown": {"title": m.title, "text": markdown_text(m)}}

    return fitted(message, render, lambda b: body_bytes(b) <= DINGTALK_MAX_BYTES)


def feishu_body(message: Message) -> dict:
    """An interactive card: a coloured header, one lark_md block per store, the warnings, a note."""

    def render(m: Message) -> dict:
        elements: list[dict] = [_lark(m.intro)]
        for block in m.stores:
            elements.append(_lark(f"**{block.heading}**\n" + "\n".join(block.lines)))
        if m.more_stores():
            elements.append(_lark(m.more_stores()))
        if m.warnings or m.warnings_left:
            lines = [f"- {w}" for w in m.warnings] + ([m.more_warnings()] if m.more_warnings() else [])
            elements += [{"tag": "hr"}, _lark(f"**{m.warnings_heading}**\n" + "\n".join(lines))]
        if m.reports:
            elements.append({"tag": "note", "elements": [{"tag": "plain_text", "content": m.reports}]})
        colour = {"breach": "red", "warning": "orange"}.get(m.alert, "green")
        return {
            "msg_type": "interactive",
            "card": {
                "config": {"wide_screen_mode": True},
                "header": {"title": {"tag": "plain_text", "content": m.title}, "template": colour},
                "elements": elements,
            },
        }

    # room for the timestamp and signature added when sending
    return fitted(message, render, lambda b: body_bytes(b) <= FEISHU_MAX_BYTES - 200)


def _lark(text: str) -> dict:
    return {"tag": "div", "text": {"tag": "lark_md", "content": text}}


def slack_body(message: Message) -> dict:
    """Block Kit: a header, a section per store, the warnings, a context line with the reports;
    `text` is the notification's fallback."""

    def render(m: Message) -> dict:
        blocks: list[dict] = [
            {"type": "header", "text": {"type": "plain_text", "text": _cut(m.title, SLACK_HEADER_CHARS)}},
            _section(_mrkdwn(m.intro)),
        ]
        for block in m.stores:
            lines = "\n".join(_mrkdwn(line) for line in block.lines)
            blocks.append(_section(f"*{_mrkdwn(block.heading)}*\n{lines}"))
        if m.more_stores():
            blocks.append(_section(_mrkdwn(m.more_stores())))
        if m.warnings or m.warnings_left:
            lines = [f"• {_mrkdwn(w)}" for w in m.warnings]
            lines += [_mrkdwn(m.more_warnings())] if m.more_warnings() else []
            blocks += [{"type": "divider"}, _section(f"*{_mrkdwn(m.warnings_heading)}*\n" + "\n".join(lines))]
        if m.reports:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _mrkdwn(m.reports)}]})
        return {"text": f"{m.title}: {m.intro}", "blocks": blocks}

    def fits(body: dict) -> bool:
        texts = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
        return len(body["blocks"]) <= SLACK_MAX_BLOCKS and all(len(t) <= SLACK_SECTION_CHARS for t in texts)

    return fitted(message, render, fits)


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _mrkdwn(text: str) -> str:
    """Slack's three control characters escaped, as its formatting guide asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_text(message: Message) -> str:
    """The e-mail's text part (and what a dry run shows)."""
    parts = [message.title, message.intro]
    for block in message.stores:
        parts.append(block.heading + "\n" + "\n".join(f"  {line}" for line in block.lines))
    if message.more_stores():
        parts.append(message.more_stores())
    if message.warnings or message.warnings_left:
        lines = [f"- {w}" for w in message.warnings]
        lines += [message.more_warnings()] if message.more_warnings() else []
        parts.append(message.warnings_heading + "\n" + "\n".join(lines))
    if message.reports:
        parts.append(message.reports)
    return "\n\n".join(parts) + "\n"


def html_text(message: Message, lang: str) -> str:
    """The e-mail's HTML part: the same parts, escaped, breaches in red."""
    out = [f'<html lang="{escape(lang)}"><body style="font-family: sans-serif">',
           f"<h2>{escape(message.title)}</h2>", f"<p>{escape(message.intro)}</p>"]  # fmt: skip
    for block in message.stores:
        colour = ' style="color: #b00020"' if block.breach else ""
        items = "".join(f"<li>{escape(line)}</li>" for line in block.lines)
        out.append(f"<h3{colour}>{escape(block.heading)}</h3><ul>{items}</ul>")
    if message.more_stores():
        out.append(f"<p>{escape(message.more_stores())}</p>")
    if message.warnings or message.warnings_left:
        items = "".join(f"<li>{escape(w)}</li>" for w in message.warnings)
        more = f"<p>{escape(message.more_warnings())}</p>" if message.more_warnings() else ""
        out.append(f"<h3>{escape(message.warnings_heading)}</h3><ul>{items}</ul>{more}")
    if message.reports:
        out.append(f"<p>{escape(message.reports)}</p>")
    out.append("</body></html>")
    return "\n".join(out)


WEBHOOK_BODIES: dict[str, Callable[[Message], dict]] = {
    "wecom": wecom_body, "dingtalk": dingtalk_body, "feishu": feishu_body, "slack": slack_body,
}  # fmt: skip
