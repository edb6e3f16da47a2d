"""Sending a run's summary (or a test message) to every channel of notify.toml, and saying how
each went. Called by `storehealth run` after everything else is written, and by
`storehealth notify --test`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import InputError
from pipeline.i18n import _, language, using
from pipeline.notify.config import Channel, Email, NotifyConfig, load_notify, notify_file
from pipeline.notify.digest import RunDigest, other_reports, report_location, store_weeks
from pipeline.notify.formats import WEBHOOK_BODIES, plain_text
from pipeline.notify.mail import mail_message, send_mail
from pipeline.notify.message import Message, channel_test_message, summary_message
from pipeline.notify.send import ATTEMPTS, ChannelFailed, post_webhook, with_retry
from pipeline.periods import last_complete_month

if TYPE_CHECKING:
    from pipeline.periods import Period
    from pipeline.weekly_run import RunOptions, RunSummary


def notify_team(
    options: RunOptions,
    summary: RunSummary,
    week: Period,
    ingest_warnings: list[str],
    history_warnings: Callable[[], list[str]],
) -> None:
    """Send the run's summary to every channel (a dry run only shows it). A bad notify.toml is a
    failure of the run; a channel that cannot be reached, a warning naming it (exit 3)."""
    try:
        config = load_notify(notify_file(options.db_path))
    except InputError as exc:
        summary.failures.append(_("no notification was sent: {error}", error=exc.message))
        return
    if config is None or not config.channels:
        return
    summary.warnings += config.warnings
    month = options.month or last_complete_month(options.today)
    weeks = store_weeks(options.db_path, week, summary.standings, options.out_dir, config.reports_url)
    index = options.out_dir / "index.html"
    digest = RunDigest(
        week=week, stores=weeks, ingest_warnings=ingest_warnings, failures=list(summary.failures),
        index=report_location(index, options.out_dir, config.reports_url),
        history_warnings=history_warnings,
        attachments_all=other_reports(options.db_path, week, month, [w.store for w in weeks],
                                      options.out_dir),
    )  # fmt: skip
    for channel in config.channels:
        mine = digest.for_stores(channel.stores)
        with using(channel.lang or options.lang or language()):
            message = summary_message(mine)
            attachments = _attachments(channel, mine)
            outcome = _deliver(channel, message, attachments, config, dry_run=options.dry_run)
        summary.notifications.append(outcome)
        if outcome["error"] is not None:
            summary.warnings.append(
                _("the summary could not be sent to {channel} after {attempts} tries ({error}); the "
                  "history and reports are complete, run `storehealth notify --test` to check the channel",
                  channel=channel.name, attempts=outcome["attempts"], error=outcome["error"])
            )  # fmt: skip


def send_test_messages(db_path: Path) -> tuple[NotifyConfig, list[dict]]:
    """A short test message to every channel, each in its language; how each went. No
    notify.toml, or one without channels, is an InputError saying where to put one."""
    path = notify_file(db_path)
    config = load_notify(path)
    if config is None or not config.channels:
        raise InputError(_("no notification channels: there is no notify.toml beside the history, or it "
                           "has none"), path=path, fix=_("see the README's notify.toml example"))  # fmt: skip
    outcomes = []
    for channel in config.channels:
        with using(channel.lang or language()):
            outcomes.append(_deliver(channel, channel_test_message(channel.name), [], config, dry_run=False))
    return config, outcomes


def channel_list(db_path: Path) -> tuple[NotifyConfig | None, list[dict]]:
    """The channels of notify.toml as `storehealth notify` lists them (no secret in them)."""
    config = load_notify(notify_file(db_path))
    if config is None:
        return None, []
    return config, [_describe(c) for c in config.channels]


def _describe(channel: Channel) -> dict:
    described = {"channel": channel.name, "kind": channel.kind, "lang": channel.lang,
                 "stores": list(channel.stores) if channel.stores else None}  # fmt: skip
    if isinstance(channel, Email):
        described |= {"to": list(channel.to), "attach": channel.attach, "security": channel.security}
    else:
        described["signed"] = channel.secret is not None
    return described


def _attachments(channel: Channel, digest: RunDigest) -> list[Path]:
    if not isinstance(channel, Email) or channel.attach == "none":
        return []
    weekly = [w.report_file for w in digest.stores if w.report_file.is_file()]
    return weekly + (digest.attachments_all if channel.attach == "all" else [])


def _deliver(
    channel: Channel, message: Message, attachments: list[Path], config: NotifyConfig, *, dry_run: bool
) -> dict:
    """Send `message` (retried once) or, in a dry run, show it; never a secret in the outcome."""
    outcome = {**_describe(channel), "lang": language(), "sent": False, "attempts": 0, "error": None}
    if isinstance(channel, Email):
        mail = mail_message(channel, message, attachments)
        outcome["attachments"] = [part.get_filename() for part in mail.iter_attachments()]

        def attempt() -> None:
            send_mail(channel, mail)

        preview = f"Subject: {mail['Subject']}\n\n{plain_text(message)}"
    else:
        body = WEBHOOK_BODIES[channel.kind](message)

        def attempt() -> None:
            post_webhook(channel, body)

        preview = json.dumps(body, ensure_ascii=False, indent=1)
    if dry_run:
        outcome["preview"] = config.redact(preview)
        return outcome
    try:
        outcome["attempts"] = with_retry(attempt)
        outcome["sent"] = True
    except ChannelFailed as exc:
        outcome["attempts"] = ATTEMPTS
        outcome["error"] = config.redact(str(exc))
    return outcome
