"""`notify.toml`, in the folder of the history database: the channels a run's summary goes to.

Secrets come from the environment as `${VAR}`, so that the file can be shown, copied and kept
in version control; a token written out in the file still works, with a warning. Every mistake
is an InputError naming the file, the table and the key, and what to write instead.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.errors import InputError
from pipeline.i18n import LANGUAGES, _
from pipeline.stores import valid_store_name
from pipeline.user_files import user_file

NOTIFY_FILE = "notify.toml"
WEBHOOK_KINDS = ("wecom", "dingtalk", "feishu", "slack")
SECURITY_CHOICES = ("ssl", "starttls", "none")
ATTACH_CHOICES = ("none", "weekly", "all")
TOP_KEYS = {"webhook", "email", "reports_url"}
WEBHOOK_KEYS = {"kind", "url", "secret", "stores", "lang"}
EMAIL_KEYS = {"host", "port", "security", "user", "password", "from", "to", "attach", "stores", "lang"}
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Webhook:
    kind: str
    name: str  # what messages call it: the kind and the host, never the token in the URL
    url: str = field(repr=False)
    secret: str | None = field(default=None, repr=False)
    stores: tuple[str, ...] | None = None  # None: every store
    lang: str | None = None


@dataclass(frozen=True)
class Email:
    name: str
    host: str
    port: int
    security: str
    sender: str
    to: tuple[str, ...]
    attach: str = "weekly"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    stores: tuple[str, ...] | None = None
    lang: str | None = None
    kind: str = "email"


Channel = Webhook | Email


@dataclass
class NotifyConfig:
    path: Path
    channels: list[Channel]
    reports_url: str | None = None
    warnings: list[str] = field(default_factory=list)  # tokens written out in the file
    secrets: set[str] = field(default_factory=set, repr=False)  # to scrub from any message

    def redact(self, text: str) -> str:
        """`text` with every secret value (longest first) replaced by ***."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def notify_file(db_path: Path) -> Path:
    return user_file(db_path, NOTIFY_FILE)


def load_notify(path: Path, environ: dict[str, str] | None = None) -> NotifyConfig | None:
    """The channels of `path`, or None when there is no such file (notifications are optional)."""
    if not path.is_file():
        return None
    env = os.environ if environ is None else environ
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        fix = _("fix the TOML syntax") if isinstance(exc, tomllib.TOMLDecodeError) else None
        raise InputError(_("cannot read it ({error})", error=exc), path=path, fix=fix) from None
    _refuse_unknown(path, "", data, TOP_KEYS)
    config = NotifyConfig(path=path, channels=[])
    if "reports_url" in data:
        config.reports_url = _text(path, "reports_url", data["reports_url"]).rstrip("/") + "/"
    hooks = data.get("webhook", [])
    if not isinstance(hooks, list):
        raise InputError(_("webhook must be a list of [[webhook]] tables"), path=path,
                         fix=_("write each channel as a [[webhook]] table"))  # fmt: skip
    names: dict[str, int] = {}
    for number, table in enumerate(hooks, start=1):
        config.channels.append(_webhook(path, number, table, env, config, names))
    if "email" in data:
        config.channels.append(_email(path, data["email"], env, config))
    return config


def _refuse_unknown(path: Path, where: str, table: dict, keys: set[str]) -> None:
    unknown = sorted(set(table) - keys)
    if unknown:
        raise InputError(
            _("{where}unknown keys: {keys}", where=where, keys=", ".join(unknown)), path=path,
            fix=_("use only {keys}", keys=", ".join(sorted(keys))),
        )  # fmt: skip


def _text(path: Path, where: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(_("{where} must be a text in quotes", where=where), path=path)
    return value


def _expand(path: Path, where: str, value: str, env: dict[str, str], config: NotifyConfig) -> str:
    """`${VAR}` replaced by the environment's value; an unset variable is named (never a value)."""

    def variable(match: re.Match) -> str:
        name = match.group(1)
        if not env.get(name):
            raise InputError(
                _("{where} uses ${{{name}}}, which is not set in the environment", where=where, name=name),
                path=path,
                fix=_("set {name} in the environment that runs storehealth (a cron job has its own: set "
                      "it in the crontab or the script)", name=name),
            )  # fmt: skip
        return env[name]

    return VARIABLE.sub(variable, value)


def _secret_value(path: Path, where: str, value: object, env: dict[str, str], config: NotifyConfig) -> str:
    """A token, password or URL that carries one: expanded, remembered for scrubbing, and a
    warning when it is written out in the file rather than taken from the environment."""
    raw = _text(path, where, value)
    expanded = _expand(path, where, raw, env, config)
    config.secrets |= {expanded, *(env[name] for name in VARIABLE.findall(raw))}
    if not VARIABLE.search(raw):
        config.warnings.append(
            _("{file}: {where} is written out in the file; put it in an environment variable and write "
              "${{VAR}} instead, so that the file holds no secret", file=path, where=where)
        )  # fmt: skip
    return expanded


def _stores_and_lang(path: Path, where: str, table: dict) -> tuple[tuple[str, ...] | None, str | None]:
    stores = table.get("stores")
    if stores is not None:
        if not isinstance(stores, list) or not stores or not all(isinstance(s, str) for s in stores):
            raise InputError(_("{where} stores must be a list of store names, such as [\"ali-main\"]",
                               where=where), path=path, fix=_("leave it out for every store"))  # fmt: skip
        bad = [s for s in stores if not valid_store_name(s)]
        if bad:
            raise InputError(_("{where} store name {name!r} is not allowed", where=where, name=bad[0]),
                             path=path, fix=_("use letters, digits, '.', '-' or '_'"))  # fmt: skip
        stores = tuple(stores)
    lang = table.get("lang")
    if lang is not None and lang not in LANGUAGES:
        raise InputError(_("{where} lang must be one of {choices}", where=where,
                           choices=", ".join(LANGUAGES)), path=path)  # fmt: skip
    return stores, lang


def _webhook(
    path: Path, number: int, table: object, env: dict[str, str], config: NotifyConfig, names: dict[str, int]
) -> Webhook:
    where = _("[[webhook]] number {number}", number=number)
    if not isinstance(table, dict):
        raise InputError(_("{where} must be a table", where=where), path=path)
    _refuse_unknown(path, where + ": ", table, WEBHOOK_KEYS)
    kind = table.get("kind")
    if kind not in WEBHOOK_KINDS:
        raise InputError(
            _("{where}: kind must be one of {kinds}", where=where, kinds=", ".join(WEBHOOK_KINDS)),
            path=path, fix=_("write for example kind = \"dingtalk\""),
        )  # fmt: skip
    if "url" not in table:
        raise InputError(_("{where} ({kind}) has no url", where=where, kind=kind), path=path,
                         fix=_("copy the robot's webhook address, with its token as ${VAR}"))  # fmt: skip
    url = _secret_value(path, f"{where} ({kind}) url", table["url"], env, config)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(_("{where} ({kind}) url is not an http(s) address", where=where, kind=kind),
                         path=path, fix=_("copy the robot's webhook address"))  # fmt: skip
    secret = None
    if "secret" in table:
        if kind not in ("dingtalk", "feishu"):
            raise InputError(_("{where} ({kind}): only dingtalk and feishu robots sign with a secret",
                               where=where, kind=kind), path=path, fix=_("leave out secret"))  # fmt: skip
        secret = _secret_value(path, f"{where} ({kind}) secret", table["secret"], env, config)
    stores, lang = _stores_and_lang(path, where, table)
    name = f"{kind} {parts.hostname}"
    names[name] = names.get(name, 0) + 1
    if names[name] > 1:
        name = f"{name} #{names[name]}"
    return Webhook(kind=kind, name=name, url=url, secret=secret, stores=stores, lang=lang)


def _email(path: Path, table: object, env: dict[str, str], config: NotifyConfig) -> Email:
    where = "[email]"
    if not isinstance(table, dict):
        raise InputError(_("{where} must be a table", where=where), path=path)
    _refuse_unknown(path, where + ": ", table, EMAIL_KEYS)
    for key in ("host", "from", "to"):
        if key not in table:
            raise InputError(_("{where} has no {key}", where=where, key=key), path=path,
                             fix=_("see the README's notify.toml example"))  # fmt: skip
    host = _expand(path, f"{where} host", _text(path, f"{where} host", table["host"]), env, config)
    security = table.get("security", "ssl")
    if security not in SECURITY_CHOICES:
        raise InputError(_("{where} security must be one of {choices}", where=where,
                           choices=", ".join(SECURITY_CHOICES)), path=path)  # fmt: skip
    port = table.get("port", {"ssl": 465, "starttls": 587, "none": 25}[security])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise InputError(_("{where} port must be a number from 1 to 65535", where=where), path=path)
    to = table["to"]
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not to or not all(isinstance(t, str) and "@" in t for t in to):
        raise InputError(_("{where} to must be a list of e-mail addresses", where=where), path=path)
    attach = table.get("attach", "weekly")
    if attach not in ATTACH_CHOICES:
        raise InputError(_("{where} attach must be one of {choices}", where=where,
                           choices=", ".join(ATTACH_CHOICES)), path=path)  # fmt: skip
    user = password = None
    if "user" in table:
        user = _expand(path, f"{where} user", _text(path, f"{where} user", table["user"]), env, config)
    if "password" in table:
        password = _secret_value(path, f"{where} password", table["password"], env, config)
    if (user is None) != (password is None):
        raise InputError(_("{where} needs both user and password, or neither", where=where), path=path)
    sender = _expand(path, f"{where} from", _text(path, f"{where} from", table["from"]), env, config)
    stores, lang = _stores_and_lang(path, where, table)
    return Email(
        name=f"e-mail {host}", host=host, port=port, security=security, sender=sender,
        to=tuple(_expand(path, f"{where} to", t, env, config) for t in to), attach=attach,
        user=user, password=password, stores=stores, lang=lang,
    )  # fmt: skip
