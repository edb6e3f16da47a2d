"""The weekly run tells the team: one summary per channel of `notify.toml` (WeCom, DingTalk,
Feishu and Slack webhooks, e-mail over SMTP), in the channel's language.

`config` reads notify.toml, `digest` gathers what the run found (from the history, through the
metrics API), `message` words it in a language, `formats` and `mail` give each platform its own
shape and length, `send` posts it (10 s timeout, one retry) and `deliver` ties them together for
`storehealth run` and `storehealth notify --test`. A channel that fails never costs data: the
run has already written everything when it sends.
"""

from pipeline.notify.deliver import notify_team, send_test_messages

__all__ = ["notify_team", "send_test_messages"]
