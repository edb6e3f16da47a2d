"""Posting to a robot with the standard library: 10 s timeout, one retry, and the reply read the
platform's way (a robot answers 200 with an error code in the body when it refuses)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import quote

from pipeline.i18n import _
from pipeline.notify.config import Webhook
from pipeline.notify.signing import dingtalk_sign, feishu_sign

TIMEOUT_SECONDS = 10.0
ATTEMPTS = 2  # the first try and one retry
RETRY_PAUSE_SECONDS = 1.0
REPLY_CHARS = 200  # of a refusal's reply, quoted in the warning


class ChannelFailed(Exception):
    """A channel refused the message, timed out or could not be reached; the text says which."""


def with_retry(send: Callable[[], None], attempts: int = ATTEMPTS) -> int:
    """Call `send` until it succeeds, `attempts` times at most; returns the attempts made, or
    raises the last ChannelFailed."""
    for attempt in range(1, attempts + 1):
        try:
            send()
            return attempt
        except ChannelFailed:
            if attempt == attempts:
                raise
            time.sleep(RETRY_PAUSE_SECONDS)
    return attempts


def post_webhook(channel: Webhook, body: dict) -> None:
    """One signed POST of `body` to the robot; ChannelFailed unless the robot accepted it."""
    url, body = signed(channel, body)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only
            status, reply = response.status, response.read(64_000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        reply = exc.read(2_000).decode("utf-8", "replace") if exc.fp else ""
        raise ChannelFailed(_("HTTP {status} {reason}: {reply}", status=exc.code, reason=exc.reason,
                              reply=reply.strip()[:REPLY_CHARS])) from None  # fmt: skip
    except TimeoutError:
        raise ChannelFailed(_("no answer within {seconds} s", seconds=format(TIMEOUT_SECONDS, "g"))) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise ChannelFailed(
                _("no answer within {seconds} s", seconds=format(TIMEOUT_SECONDS, "g"))
            ) from None
        raise ChannelFailed(_("cannot reach it ({error})", error=exc.reason)) from None
    except OSError as exc:
        raise ChannelFailed(_("cannot reach it ({error})", error=exc.strerror or exc)) from None
    problem = reply_problem(channel.kind, reply)
    if problem is not None:
        raise ChannelFailed(_("HTTP {status}, refused: {problem}", status=status, problem=problem))


def signed(channel: Webhook, body: dict) -> tuple[str, dict]:
    """The URL and body with a fresh signature when the channel has a secret (each attempt signs
    anew: Feishu refuses a timestamp over an hour old, DingTalk one over an hour away)."""
    if channel.secret is None:
        return channel.url, body
    if channel.kind == "dingtalk":
        stamp = int(time.time() * 1000)
        sign = quote(dingtalk_sign(channel.secret, stamp), safe="")
        joiner = "&" if "?" in channel.url else "?"
        return f"{channel.url}{joiner}timestamp={stamp}&sign={sign}", body
    stamp = int(time.time())  # feishu: seconds, in the body
    return channel.url, {"timestamp": str(stamp), "sign": feishu_sign(channel.secret, stamp), **body}


def reply_problem(kind: str, reply: str) -> str | None:
    """Why a 200 reply is a refusal, or None when the robot took the message: WeCom and DingTalk
    answer {"errcode": 0}, Feishu {"code": 0} (older bots {"StatusCode": 0}), Slack the text ok."""
    text = reply.strip()
    if kind == "slack":
        return None if text == "ok" else text[:REPLY_CHARS] or _("an empty reply")
    try:
        answer = json.loads(text)
    except ValueError:
        return _("a reply that is not JSON: {reply}", reply=text[:REPLY_CHARS])
    if not isinstance(answer, dict):
        return _("a reply that is not JSON: {reply}", reply=text[:REPLY_CHARS])
    if kind == "feishu":
        code = answer.get("code", answer.get("StatusCode"))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code, message = answer.get("errcode"), answer.get("errmsg", "")
    if code == 0:
        return None
    return _("error code {code}: {message}", code=code, message=str(message)[:REPLY_CHARS])
