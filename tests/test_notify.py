"""`storehealth run` tells the team (issue 17): real requests to a recording HTTP server on
127.0.0.1 and real mail to a local SMTP server, from a real history.

Two small histories, built once: "busy" (ali-main in breach with hand-counted figures, and
ali-outlet whose export is 23 days old) and "clean" (one store, nothing to warn of: exit 0, so
that a failed channel's exit 3 shows). Their reports are placeholders written after the ingest,
so that the run finds them up to date and renders nothing (rendering is tested elsewhere).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.periods import Period
from pipeline.reports import ReportJob
from tests.builders import ali_row, table_contents, write_ali

TODAY = date(2024, 5, 13)  # a Monday: the week is 2024-W19, 6-12 May
WEEK = Period(date(2024, 5, 6), date(2024, 5, 12))
MONTH = Period(date(2024, 4, 1), date(2024, 4, 30))
TOKEN = "tok-Q9x7secret-4711"  # distinctive, to grep for
SECRET = "SECfe1d5ign-0815"
PASSWORD = "pw-Zz9-never-shown"
runner = CliRunner()


# --- the histories ---------------------------------------------------------------------------------


def _order(id_: str, created: str, *, shipped: str = "", status: str = "等待买家收货", **more: str) -> list:
    return ali_row(id=id_, status=status, created=created, paid=created, shipped=shipped,
                   deadline="2024-05-20", **more)  # fmt: skip


BUSY = {
    # week 19: 4 paid orders, one closed out of stock (seller's fault): sold-not-shipped 25.00 %;
    # week 18: 2 paid, none: 0.00 %, so the change is +25.00 pp
    "ali-main": [
        _order("1001", "2024.04.30 10:00", shipped="2024.05.01 09:00"),
        _order("1002", "2024.05.02 10:00", shipped="2024.05.03 09:00"),
        _order("1003", "2024.05.06 10:00", shipped="2024.05.07 09:00"),
        _order("1004", "2024.05.07 10:00", status="等待您发货"),
        _order("1005", "2024.05.08 10:00", shipped="2024.05.09 09:00"),
        _order("1006", "2024.05.09 10:00", status="订单关闭", cancel_reason="商品缺货"),
    ],
    # its latest export is of 20 April: 23 days old on 13 May, "no new export this week"
    "ali-outlet": [_order("2001", "2024.04.18 10:00", shipped="2024.04.20 09:00")],
}
CLEAN = {"clean-shop": [_order("3001", "2024.05.10 10:00", shipped="2024.05.11 09:00"),
                        _order("3002", "2024.05.11 10:00", shipped="2024.05.12 09:00")]}  # fmt: skip


@dataclass
class History:
    root: Path
    stores: list[str]

    @property
    def db(self) -> Path:
        return self.root / "history.duckdb"

    @property
    def out(self) -> Path:
        return self.root / "reports"

    def weekly(self, store: str) -> Path:
        return ReportJob("weekly", (store,), WEEK, self.db, self.out, lang="en").path

    def notify_toml(self, text: str) -> None:
        (self.root / "notify.toml").write_text(text, encoding="utf-8")

    def run(self, *extra: str) -> tuple[int, dict, str]:
        """`storehealth run --json` for 13 May; (exit, the JSON, stderr)."""
        exports = str(self.root / "exports")
        result = runner.invoke(app, ["run", "--today", TODAY.isoformat(), "--exports", exports,
                                     "--out", str(self.out), "--db", str(self.db), "--json", "--lang", "en",
                                     *extra])  # fmt: skip
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, json.loads(result.stdout), result.stderr


def build_history(root: Path, stores: dict[str, list]) -> History:
    for store, rows in stores.items():
        (root / "exports" / store).mkdir(parents=True)
        path = write_ali(root / "exports" / store / "orders.csv", rows)
        result = runner.invoke(
            app, ["ingest", str(path), "--store", store, "--db", str(root / "history.duckdb")]
        )
        assert result.exit_code == 0, result.output
    history = History(root, list(stores))
    for store in stores:  # rendered after the ingest: up to date, so the run renders nothing
        for job in (ReportJob("weekly", (store,), WEEK, history.db, history.out, lang="en"),
                    ReportJob("review", (store,), MONTH, history.db, history.out, lang="en")):  # fmt: skip
            job.path.parent.mkdir(parents=True, exist_ok=True)
            job.path.write_text(f"<html><body>{job.kind} report of {store}</body></html>", encoding="utf-8")
    cluster = ReportJob("cluster", (), WEEK, history.db, history.out, lang="en").path
    cluster.parent.mkdir(parents=True, exist_ok=True)
    cluster.write_text("<html><body>cluster report</body></html>", encoding="utf-8")
    return history


@pytest.fixture(scope="module")
def busy(tmp_path_factory) -> History:
    return build_history(tmp_path_factory.mktemp("busy"), BUSY)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> History:
    return build_history(tmp_path_factory.mktemp("clean"), CLEAN)


# --- a recording robot server and a mail server ----------------------------------------------------


@dataclass
class Recorded:
    path: str
    query: dict[str, str]
    body: dict


@dataclass
class Robots:
    """Answers each platform as it does: /wecom and /dingtalk {"errcode": 0}, /feishu {"code": 0},
    /slack "ok"; /refuse HTTP 500, /errcode a 200 with an error code, /slow answers late."""

    url: str
    requests: list[Recorded] = field(default_factory=list)

    def to(self, kind: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.split("/")[1] == kind]


REPLIES = {
    "wecom": '{"errcode": 0, "errmsg": "ok"}', "dingtalk": '{"errcode": 0, "errmsg": "ok"}',
    "feishu": '{"code": 0, "msg": "success", "data": {}}', "slack": "ok",
    "errcode": '{"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc]"}',
}  # fmt: skip


@pytest.fixture(scope="module")
def robots() -> Iterator[Robots]:
    state = Robots("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server name
            parts = urlsplit(self.path)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
            state.requests.append(
                Recorded(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, body)
            )
            kind = parts.path.split("/")[1]
            if kind == "slow":
                time.sleep(1.0)
            status = 500 if kind == "refuse" else 200
            reply = REPLIES.get(kind, '{"errcode": 0}').encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def hooks(robots: Robots) -> Robots:
    robots.requests.clear()
    return robots


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[int, list]]:
    from aiosmtpd.controller import Controller

    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
            received.append(envelope)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, received
    controller.stop()


@pytest.fixture
def secrets(monkeypatch) -> None:
    values = {"WECOM_KEY": TOKEN, "DING_TOKEN": TOKEN, "DING_SECRET": SECRET, "FEISHU_HOOK": TOKEN,
              "FEISHU_SECRET": SECRET, "SLACK_PATH": TOKEN, "SMTP_PASSWORD": PASSWORD}  # fmt: skip
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def every_channel(url: str, smtp_port: int, **email: str) -> str:
    extra = "".join(f'{k} = "{v}"\n' for k, v in email.items())
    return f"""
[[webhook]]
kind = "wecom"
url = "{url}/wecom/send?key=${{WECOM_KEY}}"

[[webhook]]
kind = "dingtalk"
url = "{url}/dingtalk/robot/send?access_token=${{DING_TOKEN}}"
secret = "${{DING_SECRET}}"
lang = "zh"

[[webhook]]
kind = "feishu"
url = "{url}/feishu/hook/${{FEISHU_HOOK}}"
secret = "${{FEISHU_SECRET}}"
stores = ["ali-main"]

[[webhook]]
kind = "slack"
url = "{url}/slack/services/${{SLACK_PATH}}"

[email]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "storehealth@example.com"
to = ["boss@example.com", "analyst@example.com"]
{extra}"""


# --- the tests -------------------------------------------------------------------------------------


def test_a_run_sends_each_platform_its_own_format(busy: History, hooks: Robots, mailbox, secrets) -> None:
    port, received = mailbox
    received.clear()
    busy.notify_toml(every_channel(hooks.url, port, attach="all"))
    code, summary, _ = busy.run()
    assert code == 3 and summary["failures"] == []
    assert [n["sent"] for n in summary["notifications"]] == [True] * 5
    assert [n["attempts"] for n in summary["notifications"]] == [1] * 5

    # WeCom: markdown, the figures of the history, breaches first, the warnings, the report's path
    (wecom,) = hooks.to("wecom")
    assert wecom.query == {"key": TOKEN} and wecom.body["msgtype"] == "markdown"
    text = wecom.body["markdown"]["content"]
    assert set(wecom.body) == {"msgtype", "markdown"} and len(text.encode("utf-8")) <= 4096
    assert "storehealth weekly summary 2024-W19 (6–12 May 2024)" in text
    assert "orders 4, sold-not-shipped rate 25.00% (+25.00 pp on the week before)" in text
    main = text[text.index("**ali-main**") : text.index("**ali-outlet**")]
    policies = [line for line in main.splitlines() if line.startswith("> ") and line[2:4] != "or"][:-1]
    assert policies[0].startswith("> BREACH: ") and "past the" in policies[0]
    standings = [line.split(":")[0] for line in policies]
    assert standings == sorted(
        standings, key=lambda s: ["> BREACH", "> warning", "> ok", "> no data"].index(s)
    )
    assert text.index("**ali-main**") < text.index("**ali-outlet**")  # the store in breach first
    assert "ali-outlet: no new export this week; the latest export is 23 days old" in text
    assert f"report: {busy.weekly('ali-main').resolve()}" in text
    assert f"Reports: {(busy.out / 'index.html').resolve()}" in text

    # DingTalk: markdown in Chinese (the channel's lang), signed by DingTalk's algorithm
    (ding,) = hooks.to("dingtalk")
    assert ding.body["msgtype"] == "markdown" and set(ding.body["markdown"]) == {"title", "text"}
    assert "每周概要" in ding.body["markdown"]["title"] and "超标" in ding.body["markdown"]["text"]
    assert "no new export this week" not in ding.body["markdown"]["text"]  # its warnings in Chinese too
    stamp = int(ding.query["timestamp"])
    assert abs(stamp - time.time() * 1000) < 120_000  # milliseconds
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    )
    assert ding.query["sign"] == expected.decode() and ding.query["access_token"] == TOKEN

    # Feishu: an interactive card with the signature in the body; only its store (stores = ["ali-main"])
    (feishu,) = hooks.to("feishu")
    assert feishu.body["msg_type"] == "interactive" and feishu.body["card"]["header"]["template"] == "red"
    stamp = int(feishu.body["timestamp"])
    assert abs(stamp - time.time()) < 120  # seconds
    expected = base64.b64encode(hmac.new(f"{stamp}\n{SECRET}".encode(), b"", hashlib.sha256).digest())
    assert feishu.body["sign"] == expected.decode()
    card = json.dumps(feishu.body["card"], ensure_ascii=False)
    assert "ali-main" in card and "ali-outlet" not in card

    # Slack: blocks within Slack's limits, the text fallback
    (slack,) = hooks.to("slack")
    blocks = slack.body["blocks"]
    assert blocks[0]["type"] == "header" and len(blocks) <= 50 and slack.body["text"]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(t) <= 3000 for t in sections) and any(t.startswith("*ali-main*") for t in sections)

    # e-mail: multipart text + HTML, every report attached with attach = "all"
    (envelope,) = received
    assert envelope.rcpt_tos == ["boss@example.com", "analyst@example.com"]
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert mail["Subject"].startswith("storehealth weekly summary 2024-W19")
    assert mail.get_body(("plain",)).get_content().count(", sold-not-shipped rate ") == 2
    assert '<h3 style="color: #b00020">ali-main</h3>' in mail.get_body(("html",)).get_content()
    attached = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    assert set(attached) == {"weekly-ali-main-2024-W19.html", "weekly-ali-outlet-2024-W19.html",
                             "cluster-all-2024-W19.html", "review-ali-main-2024-04.html",
                             "review-ali-outlet-2024-04.html"}  # fmt: skip
    assert attached["weekly-ali-main-2024-W19.html"] == busy.weekly("ali-main").read_text(encoding="utf-8")


def test_reports_url_and_weekly_attachments_and_smtp_login(busy: History, hooks: Robots, secrets) -> None:
    from aiosmtpd.controller import Controller

    logins, received = [], []

    class Authenticator:
        def __call__(self, server, session, envelope, mechanism, auth_data):
            from aiosmtpd.smtp import AuthResult

            logins.append((auth_data.login, auth_data.password))
            return AuthResult(success=auth_data.password == PASSWORD.encode())

    class Handler:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
            received.append(envelope)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port(), authenticator=Authenticator(),
                            auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        busy.notify_toml(
            'reports_url = "https://reports.example.com/shop"\n\n'
            f'[[webhook]]\nkind = "wecom"\nurl = "{hooks.url}/wecom/send?key=${{WECOM_KEY}}"\n\n'
            f'[email]\nhost = "127.0.0.1"\nport = {controller.port}\nsecurity = "none"\nuser = "robot"\n'
            'password = "${SMTP_PASSWORD}"\nfrom = "storehealth@example.com"\nto = ["boss@example.com"]\n'
        )
        code, summary, _ = busy.run()
    finally:
        controller.stop()
    assert [n["sent"] for n in summary["notifications"]] == [True, True]
    assert logins == [(b"robot", PASSWORD.encode())]
    mail = message_from_bytes(received[0].content, policy=policy.default)
    assert sorted(p.get_filename() for p in mail.iter_attachments()) == [
        "weekly-ali-main-2024-W19.html",
        "weekly-ali-outlet-2024-W19.html",
    ]  # attach = "weekly", the default
    (wecom,) = hooks.to("wecom")
    text = wecom.body["markdown"]["content"]
    assert "report: https://reports.example.com/shop/weekly/ali-main/2024-W19.html" in text
    assert "Reports: https://reports.example.com/shop/index.html" in text


def test_a_failing_channel_is_retried_once_then_exit_3_and_nothing_is_lost(
    clean: History, hooks: Robots, secrets
) -> None:
    clean.notify_toml(f'[[webhook]]\nkind = "slack"\nurl = "{hooks.url}/slack/${{SLACK_PATH}}"\n')
    code, summary, _ = clean.run()
    assert (code, summary["warnings"], summary["failures"]) == (0, [], [])  # all well, and told so
    assert len(hooks.to("slack")) == 1
    before = table_contents(clean.db)
    reports = {p: p.read_bytes() for p in clean.out.rglob("*.html") if p.name != "index.html"}

    clean.notify_toml(f'[[webhook]]\nkind = "dingtalk"\nurl = "{hooks.url}/refuse/${{DING_TOKEN}}"\n\n'
                      f'[[webhook]]\nkind = "wecom"\nurl = "{hooks.url}/errcode/${{WECOM_KEY}}"\n\n'
                      f'[[webhook]]\nkind = "slack"\nurl = "{hooks.url}/slack/${{SLACK_PATH}}"\n'
                      )  # fmt: skip
    code, summary, _ = clean.run()
    assert code == 3 and summary["failures"] == []
    refused, errcode = summary["warnings"]
    assert refused.startswith("the summary could not be sent to dingtalk 127.0.0.1 after 2 tries (HTTP 500")
    assert "wecom 127.0.0.1" in errcode and "error code 310000: sign not match" in errcode
    assert len(hooks.to("refuse")) == 2 and len(hooks.to("errcode")) == 2  # retried once
    assert [n["sent"] for n in summary["notifications"]] == [False, False, True]  # the others still sent
    assert table_contents(clean.db) == before
    assert {p: p.read_bytes() for p in clean.out.rglob("*.html") if p.name != "index.html"} == reports


def test_a_channel_that_does_not_answer_times_out(clean: History, hooks: Robots, monkeypatch) -> None:
    from pipeline.notify import send

    monkeypatch.setattr(send, "TIMEOUT_SECONDS", 0.3)  # 10 s in earnest
    monkeypatch.setattr(send, "RETRY_PAUSE_SECONDS", 0.0)
    clean.notify_toml(f'[[webhook]]\nkind = "feishu"\nurl = "{hooks.url}/slow/x"\n\n'
                      f'[email]\nhost = "127.0.0.1"\nport = {free_port()}\nsecurity = "none"\n'
                      'from = "a@example.com"\nto = ["b@example.com"]\n')  # fmt: skip
    code, summary, _ = clean.run()
    assert code == 3
    slow, mail = [w for w in summary["warnings"] if "could not be sent" in w]
    assert "feishu 127.0.0.1" in slow and "no answer within 0.3 s" in slow
    assert "e-mail 127.0.0.1" in mail and "cannot reach it" in mail
    assert len(hooks.to("slow")) == 2


def test_a_dry_run_shows_what_would_be_sent_and_sends_nothing(busy: History, hooks: Robots, mailbox,
                                                              secrets) -> None:  # fmt: skip
    port, received = mailbox
    received.clear()
    busy.notify_toml(every_channel(hooks.url, port))
    result = runner.invoke(app, ["run", "--dry-run", "--today", TODAY.isoformat(), "--exports",
                                 str(busy.root / "exports"), "--out", str(busy.out), "--db", str(busy.db),
                                 "--lang", "en"])  # fmt: skip
    assert result.exit_code == 3
    assert hooks.requests == [] and received == []
    assert (
        "would send to wecom 127.0.0.1:" in result.stdout
        and "would send to e-mail 127.0.0.1:" in result.stdout
    )
    assert "sold-not-shipped rate 25.00%" in result.stdout and "每周概要" in result.stdout
    assert TOKEN not in result.stdout + result.stderr and SECRET not in result.stdout + result.stderr


def test_notify_test_says_which_channels_worked(clean: History, hooks: Robots) -> None:
    clean.notify_toml(f'[[webhook]]\nkind = "wecom"\nurl = "{hooks.url}/wecom/x"\nlang = "zh"\n\n'
                      f'[[webhook]]\nkind = "slack"\nurl = "{hooks.url}/refuse/x"\n')  # fmt: skip
    result = runner.invoke(app, ["notify", "--test", "--db", str(clean.db), "--lang", "en"])
    assert result.exit_code == 3
    assert "wecom 127.0.0.1: ok" in result.stdout
    assert "slack 127.0.0.1: FAILED (HTTP 500" in result.stdout
    (wecom,) = hooks.to("wecom")
    assert (
        "测试" in wecom.body["markdown"]["content"] and "wecom 127.0.0.1" in wecom.body["markdown"]["content"]
    )
    listed = runner.invoke(app, ["notify", "--json", "--db", str(clean.db)])
    assert listed.exit_code == 0
    assert [(c["channel"], c["lang"]) for c in json.loads(listed.stdout)["channels"]] == [
        ("wecom 127.0.0.1", "zh"), ("slack 127.0.0.1", None)]  # fmt: skip


def test_secrets_stay_out_of_output_json_and_history(busy: History, hooks: Robots, secrets) -> None:
    # a refusing server echoing nothing secret, a literal token, and a bad secret for DingTalk
    busy.notify_toml(f'[[webhook]]\nkind = "dingtalk"\n'
                     f'url = "{hooks.url}/refuse/robot?access_token=${{DING_TOKEN}}"\n'
                     'secret = "${DING_SECRET}"\n\n'
                     f'[[webhook]]\nkind = "slack"\nurl = "{hooks.url}/slack/services/LITERAL-{TOKEN}"\n'
                     )  # fmt: skip
    code, summary, stderr = busy.run()
    plain = runner.invoke(app, ["run", "--today", TODAY.isoformat(), "--exports", str(busy.root / "exports"),
                                "--out", str(busy.out), "--db", str(busy.db), "--lang", "en"])  # fmt: skip
    listed = runner.invoke(app, ["notify", "--json", "--db", str(busy.db)])
    tested = runner.invoke(app, ["notify", "--test", "--db", str(busy.db)])
    everything = json.dumps(summary) + stderr + plain.stdout + plain.stderr + listed.stdout + listed.stderr
    everything += tested.stdout + tested.stderr + repr(table_contents(busy.db))
    for secret in (TOKEN, SECRET):
        assert secret not in everything
    literal = [w for w in summary["warnings"] if "written out in the file" in w]
    assert len(literal) == 1 and "[[webhook]] number 2 (slack) url" in literal[0] and "${VAR}" in literal[0]
    assert any("dingtalk 127.0.0.1" in w and "HTTP 500" in w for w in summary["warnings"])
    assert code == 3 and "sent the summary to slack 127.0.0.1" in plain.stdout


@pytest.mark.parametrize(("toml", "expected"), [
    ('[[webhook]]\nkind = "slack"\nurl = "https://x/${NOT_SET_ANYWHERE}"\n',
     "[[webhook]] number 1 (slack) url uses ${NOT_SET_ANYWHERE}, which is not set in the environment"),
    ('[[webhook]]\nkind = "slack"\nurl = "https://x/y"\nchannel = "#ops"\n',
     "[[webhook]] number 1: unknown keys: channel. Use only kind, lang, secret, stores, url"),
    ('[[webhook]]\nkind = "teams"\nurl = "https://x/y"\n',
     "kind must be one of wecom, dingtalk, feishu, slack"),
    ('[email]\nhost = "h"\nfrom = "a@b.c"\nto = ["d@e.f"]\nattach = "yes"\n',
     "[email] attach must be one of"),
    ('[[webhook]]\nkind = "slack"\nurl = "https://x/y"\nsecret = "s"\n',
     "only dingtalk and feishu robots sign"),
    ('[[webhook]\nkind = "slack"\n', "(at line 1, column 10)). Fix the TOML syntax."),
])  # fmt: skip
def test_a_bad_notify_toml_says_where_and_what_to_do(
    clean: History, toml: str, expected: str, monkeypatch
) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    clean.notify_toml(toml)
    listed = runner.invoke(app, ["notify", "--db", str(clean.db), "--lang", "en"])
    assert listed.exit_code == 1 and "Traceback" not in listed.stderr
    assert str(clean.root / "notify.toml") in listed.stderr and expected in listed.stderr, listed.stderr
    # the run still does everything else, and says the notifications were not sent
    code, summary, _ = clean.run()
    assert code == 1 and summary["notifications"] == []
    (failure,) = summary["failures"]
    assert failure.startswith("no notification was sent: ") and expected in failure


def test_without_notify_toml_nothing_changes(clean: History) -> None:
    (clean.root / "notify.toml").unlink(missing_ok=True)
    code, summary, _ = clean.run()
    assert (code, summary["notifications"]) == (0, [])
    listed = runner.invoke(app, ["notify", "--db", str(clean.db)])
    assert listed.exit_code == 0 and "no notify.toml at" in listed.stdout
    tested = runner.invoke(app, ["notify", "--test", "--db", str(clean.db)])
    assert tested.exit_code == 1 and "no notification channels" in tested.stderr


def test_the_entry_point_reads_secrets_from_the_environment(
    clean: History, hooks: Robots, monkeypatch
) -> None:
    import os
    import subprocess

    from tests.conftest import REPO

    clean.notify_toml(f'[[webhook]]\nkind = "wecom"\nurl = "{hooks.url}/wecom/send?key=${{WECOM_KEY}}"\n')
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "storehealth"), "notify", "--test", "--db", str(clean.db)],
        capture_output=True, text=True, env={**os.environ, "WECOM_KEY": TOKEN}, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (wecom,) = hooks.to("wecom")
    assert unquote(wecom.query["key"]) == TOKEN and TOKEN not in result.stdout + result.stderr


def test_the_readme_notify_toml_example_loads(tmp_path: Path, monkeypatch) -> None:
    import re

    from pipeline.notify.config import load_notify
    from tests.conftest import REPO

    (example,) = [s for s in re.findall(r"```toml\n(.*?)```", (REPO / "README.md").read_text("utf-8"), re.S)
                  if "[[webhook]]" in s]  # fmt: skip
    (tmp_path / "notify.toml").write_text(example, encoding="utf-8")
    for name in re.findall(r"\$\{(\w+)\}", example):
        monkeypatch.setenv(name, f"value-of-{name}")
    config = load_notify(tmp_path / "notify.toml")
    assert [c.kind for c in config.channels] == ["dingtalk", "wecom", "feishu", "slack", "email"]
    assert config.warnings == [] and config.reports_url == "https://reports.example.com/storehealth/"
    assert config.channels[0].stores == ("ali-main",) and config.channels[-1].attach == "weekly"
