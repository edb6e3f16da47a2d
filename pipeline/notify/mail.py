"""The e-mail: multipart text + HTML, the rendered reports attached as notify.toml asks, sent with
smtplib over SSL, STARTTLS or plain SMTP (a relay on the same machine)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import pipeline.notify.send as send
from pipeline.i18n import _, language
from pipeline.notify.config import Email
from pipeline.notify.formats import html_text, plain_text
from pipeline.notify.message import Message

# Most mail servers refuse a message over 25 MB, and base64 adds a third: past this total, a
# report is named with its path instead of attached.
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024


def mail_message(channel: Email, message: Message, attachments: list[Path]) -> EmailMessage:
    """The e-mail for `message`, with the reports that fit attached and the others named."""
    mail = EmailMessage()
    mail["Subject"] = f"{message.title}: {message.intro}"
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=channel.sender.rpartition("@")[2] or None)
    attached, left_out, total = [], [], 0
    for path in attachments:
        size = path.stat().st_size
        if total + size > MAX_ATTACHMENT_BYTES:
            left_out.append(path)
            continue
        attached.append(path)
        total += size
    text = plain_text(message)
    if left_out:
        files = ", ".join(str(p) for p in left_out)
        text += "\n" + _("Too large to attach, see: {files}", files=files) + "\n"
    mail.set_content(text)
    mail.add_alternative(html_text(message, language()), subtype="html")
    for path in attached:
        name = f"{path.parent.parent.name}-{path.parent.name}-{path.name}"  # weekly-ali-main-2024-W19.html
        mail.add_attachment(path.read_bytes(), maintype="text", subtype="html", filename=name)
    return mail


def send_mail(channel: Email, mail: EmailMessage) -> None:
    """One delivery attempt; ChannelFailed with the server's or the network's reason."""
    context = ssl.create_default_context()
    try:
        if channel.security == "ssl":
            server = smtplib.SMTP_SSL(
                channel.host, channel.port, timeout=send.TIMEOUT_SECONDS, context=context
            )
        else:
            server = smtplib.SMTP(channel.host, channel.port, timeout=send.TIMEOUT_SECONDS)
        with server:
            if channel.security == "starttls":
                server.starttls(context=context)
            if channel.user is not None and channel.password is not None:
                server.login(channel.user, channel.password)
            server.send_message(mail)
    except TimeoutError:
        seconds = format(send.TIMEOUT_SECONDS, "g")
        raise send.ChannelFailed(_("no answer within {seconds} s", seconds=seconds)) from None
    except smtplib.SMTPResponseException as exc:
        reason = exc.smtp_error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise send.ChannelFailed(_("the mail server refused: {code} {reason}", code=exc.smtp_code,
                                   reason=str(reason)[: send.REPLY_CHARS])) from None  # fmt: skip
    except smtplib.SMTPRecipientsRefused as exc:
        raise send.ChannelFailed(_("the mail server refused the recipients {to}",
                                   to=", ".join(exc.recipients))) from None  # fmt: skip
    except (smtplib.SMTPException, OSError) as exc:
        raise send.ChannelFailed(_("cannot reach it ({error})", error=exc)) from None
