"""Messages in the seller's language: English source texts, translations in message catalogues.

Every text a person reads is written once, in English, as `_("... {name} ...", name=value)`.
`pipeline/locale/<lang>.po` (gettext format) holds its translation; adding a language is a new
`.po` file, not a code change. `--lang`, a store's `lang` in stores.toml, `STOREHEALTH_LANG`, or the
locale (`LC_ALL`, `LC_MESSAGES`, `LANG`) picks the language; English is the fallback. JSON output
never changes: its keys and codes stay English and stable.
"""

from __future__ import annotations

import io
import os
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_percent
from babel.support import NullTranslations, Translations

from pipeline.config import PACKAGE_DIR

LANGUAGES = ("en", "zh")
LOCALE_DIR = PACKAGE_DIR / "locale"
BABEL_LOCALES = {"en": "en_US", "zh": "zh_CN"}

_language: ContextVar[str] = ContextVar("storehealth_language", default="")


def locale_language(environ: dict[str, str] | None = None) -> str:
    """The language the user's locale asks for: zh for any Chinese locale, else en."""
    env = os.environ if environ is None else environ
    if env.get("STOREHEALTH_LANG") in LANGUAGES:
        return env["STOREHEALTH_LANG"]
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def language() -> str:
    return _language.get() or locale_language()


def set_language(lang: str | None) -> None:
    """Use `lang` from now on (None: the locale's)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    _language.set(lang or "")


@contextmanager
def using(lang: str | None) -> Iterator[None]:
    """Messages in `lang` within the block (a store's own language in a run over many stores)."""
    token = _language.set(lang or _language.get())
    try:
        yield
    finally:
        _language.reset(token)


@cache
def catalogue(lang: str) -> NullTranslations:
    """The translations of `pipeline/locale/<lang>.po`; English needs none."""
    path = LOCALE_DIR / f"{lang}.po"
    if lang == "en" or not path.exists():
        return NullTranslations()
    with path.open("rb") as fh:
        messages = read_po(fh, locale=BABEL_LOCALES.get(lang, lang))
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(compiled)


def _(message: str, /, **values: object) -> str:
    """`message` in the current language, with `{name}` fields filled from `values`."""
    text = catalogue(language()).gettext(message)
    return text.format(**values) if values else text


def translate(message: str) -> str:
    """A message already in the catalogue whose text is only known at run time (a notebook's
    section heading, say); `_` is for literal texts, which Babel extracts."""
    return catalogue(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
    text = catalogue(language()).ngettext(singular, plural, n)
    return text.format(n=n, **values)


# --- numbers, dates and money in the language's conventions ---------------------------------------


def listing(items: Iterable[str]) -> str:
    """a, b, c / a、b、c."""
    return _(", ").join(items)


def percent(rate: float | None, digits: int = 2) -> str:
    """0.0123 -> "1.23%" (both languages write it so); a missing rate -> n/a / 无数据."""
    if rate is None or rate != rate:
        return _("n/a")
    return format_percent(rate, format=f"#,##0.{'0' * digits}%", locale=BABEL_LOCALES[language()])


def month_name(day: date) -> str:
    """March 2024 / 2024年3月."""
    pattern = "y年M月" if language() == "zh" else "MMMM y"
    return format_date(day, format=pattern, locale=BABEL_LOCALES[language()])


def day_name(day: date) -> str:
    """3 Jun 2024 / 2024年6月3日."""
    if language() == "zh":
        return format_date(day, format="y年M月d日", locale="zh_CN")
    return format_date(day, format="d MMM y", locale="en_GB")


def short_day(day: date) -> str:
    """20 May / 5月20日: a day on a chart axis."""
    return format_skeleton("MMMd", day, locale=_date_locale())


def month_short(day: date) -> str:
    """Apr 2024 / 2024年4月: a month on a chart axis."""
    return format_skeleton("yMMM", day, locale=_date_locale())


def day_time(when: datetime) -> str:
    """3 Jun 2024 08:00 / 2024年6月3日 08:00."""
    return f"{day_name(when.date())} {when:%H:%M}"


def day_span(first: date, last: date) -> str:
    """20–26 May 2024, 28 Mar – 3 Apr 2024 / 2024年5月20日至26日, 2024年3月28日至4月3日 (one day:
    that day). Written with fixed patterns, as day_name is: CLDR's interval formats change
    between Babel releases (2.19 turned 至 into a thin-spaced dash), and a report must not."""
    if first == last:
        return day_name(first)
    if language() == "zh":
        start = "y年M月d日"
        end = "d日" if first.month == last.month and first.year == last.year else "M月d日"
        end = end if first.year == last.year else start
        return f"{format_date(first, start, locale='zh_CN')}至{format_date(last, end, locale='zh_CN')}"
    end = format_date(last, "d MMM y", locale="en_GB")
    if first.year == last.year and first.month == last.month:
        return f"{first.day}–{end}"
    start = "d MMM" if first.year == last.year else "d MMM y"
    return f"{format_date(first, start, locale='en_GB')} – {end}"


def weekday_day(day: date) -> str:
    """Mon, 20 May 2024 / 2024年5月20日周一."""
    return format_skeleton("yMMMEd", day, locale=_date_locale())


def _date_locale() -> str:
    return "zh_CN" if language() == "zh" else "en_GB"


def html_lang() -> str:
    """The page's `<html lang>`: zh-CN for Chinese, so browsers pick Simplified Chinese glyphs."""
    return {"zh": "zh-CN"}.get(language(), language())


def money(amount: float | Decimal | None, currency: str | None) -> str:
    """US$12.34 / ¥88.00 in Chinese, $12.34 / CN¥88.00 in English (Babel's CLDR symbols)."""
    if amount is None or amount != amount:
        return _("n/a")
    return format_currency(amount, currency or "USD", locale=BABEL_LOCALES[language()])


@cache
def _labels() -> dict:
    with (PACKAGE_DIR / "labels.toml").open("rb") as fh:
        return tomllib.load(fh)


def label(kind: str, code: str | None) -> str:
    """A code (out_of_stock, breach, ...) in the current language's platform wording."""
    if code is None:
        return ""
    return _labels().get(language(), {}).get(kind, {}).get(str(code), str(code))
