"""Chinese and English: the message catalogue is complete, codes have both labels, and the two
languages show the same facts."""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import tomllib
from pathlib import Path

import pytest

from pipeline import i18n
from pipeline.locale.update_catalogues import code_messages
from tests.builders import ali_row, write_ali
from tests.conftest import REPO

T = "2024.03.05 10:00"


def catalogue_entries(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with (REPO / "pipeline" / "locale" / f"{lang}.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_in_the_code_is_translated_and_nothing_else() -> None:
    in_code = set(code_messages())
    zh = catalogue_entries("zh")
    assert sorted(in_code - set(zh)) == [], "untranslated: run python -m pipeline.locale.update_catalogues"
    assert sorted(set(zh) - in_code) == [], "the catalogue has messages the code no longer uses"
    empty = [m for m, text in zh.items() if not text.strip()]
    assert empty == []
    # a translation fills the same fields as the English text, no more, no fewer
    assert [m for m, text in zh.items() if fields(m) != fields(text)] == []


def test_every_code_has_a_label_in_every_language() -> None:
    vocabulary = tomllib.loads((REPO / "pipeline" / "vocabulary.toml").read_text(encoding="utf-8"))
    policies = tomllib.loads((REPO / "pipeline" / "policies.toml").read_text(encoding="utf-8"))["policy"]
    # the file label() reads, {language: {kind: {code: label}}}
    labels = tomllib.loads((REPO / "pipeline" / "labels.toml").read_text(encoding="utf-8"))
    assert set(labels) == set(i18n.LANGUAGES)
    wanted = {kind: set(codes) for kind, codes in vocabulary["codes"].items()}
    wanted["policy"] = {p["key"] for p in policies}
    wanted["standing"] = {"ok", "warning", "breach", "no data"}
    from pipeline.adapters import PLATFORMS

    wanted["platform"] = set(PLATFORMS)
    for lang in i18n.LANGUAGES:
        for kind, codes in wanted.items():
            assert set(labels[lang][kind]) == codes, (lang, kind)
    # the platforms' own wording (issue 7)
    i18n.set_language("zh")
    try:
        assert i18n.label("cancel_reason", "out_of_stock") == "商品缺货"
        assert i18n.label("cancel_reason", "seller_no_response") == "卖家未回复买家咨询"
    finally:
        i18n.set_language(None)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ("1.23%", "March 2024", "$12.34", "n/a")),
    ("zh", ("1.23%", "2024年3月", "US$12.34", "无数据")),
])  # fmt: skip
def test_numbers_dates_and_money_follow_the_language(lang: str, expected: tuple) -> None:
    from datetime import date

    with i18n.using(lang):
        got = (i18n.percent(0.0123), i18n.month_name(date(2024, 3, 1)), i18n.money(12.34, "USD"),
               i18n.percent(None))  # fmt: skip
    assert got == expected
    with i18n.using("zh"):
        assert i18n.money(88, "CNY") == "¥88.00"


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["20–26 May 2024", "28 Mar – 3 Apr 2024", "28 Dec 2023 – 3 Jan 2024", "1 Jan 2024"]),
    ("zh", ["2024年5月20日至26日", "2024年3月28日至4月3日", "2023年12月28日至2024年1月3日", "2024年1月1日"]),
])  # fmt: skip
def test_a_span_of_days_reads_the_same_whatever_the_babel_release(lang: str, expected: list) -> None:
    from datetime import date

    spans = [(date(2024, 5, 20), date(2024, 5, 26)), (date(2024, 3, 28), date(2024, 4, 3)),
             (date(2023, 12, 28), date(2024, 1, 3)), (date(2024, 1, 1), date(2024, 1, 1))]  # fmt: skip
    with i18n.using(lang):
        assert [i18n.day_span(first, last) for first, last in spans] == expected


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?%?", text)


def test_status_shows_the_same_facts_in_both_languages(tmp_path: Path, cli) -> None:
    rows = [
        ali_row(id="1", status="等待您发货", created=T, paid=T),
        ali_row(id="2", status="订单关闭", created=T, paid=T, cancel_reason="商品缺货"),
    ]
    assert cli("ingest", write_ali(tmp_path / "a.csv", rows), "--store", "ali").exit_code == 0
    en = cli("status", "--lang", "en")
    zh = cli("status", "--lang", "zh")
    assert en.exit_code == zh.exit_code == 0
    assert numbers(en.stdout) == numbers(zh.stdout)
    assert "orders from" in en.stdout and "订单起始日" in zh.stdout
    assert "export now" in en.stdout and "请立即导出" in zh.stdout
    # JSON does not change with the language
    assert json.loads(cli("status", "--json", "--lang", "zh").stdout)["stores"] == json.loads(
        cli("status", "--json").stdout
    )["stores"]


def test_metrics_and_errors_in_chinese(tmp_path: Path, cli) -> None:
    rows = [ali_row(id="2", status="订单关闭", created=T, paid=T, cancel_reason="商品缺货")]
    assert cli("ingest", write_ali(tmp_path / "a.csv", rows), "--store", "ali").exit_code == 0
    window = ("--store", "ali", "--from", "2024-03-01", "--to", "2024-03-31")
    zh = cli("metrics", *window, "--lang", "zh")
    assert zh.exit_code == 0 and "商品缺货" in zh.stdout and "卖家责任" in zh.stdout
    en = cli("metrics", *window, "--lang", "en")
    assert "out of stock" in en.stdout and "seller's fault" in en.stdout
    assert json.loads(cli("metrics", *window, "--json", "--lang", "zh").stdout)["cancellation_reasons"] == [
        {"reason": "out_of_stock", "count": 1, "share": 1.0, "seller_fault": True}
    ]
    bad = cli("metrics", *window, "--lang", "fr")
    assert bad.exit_code == 2 and "--lang" in bad.stderr


def test_the_locale_picks_the_language(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("STOREHEALTH_LANG", "LC_ALL", "LC_MESSAGES")}
    db = tmp_path / "missing.duckdb"
    command = [str(REPO / ".venv" / "bin" / "storehealth"), "status", "--db", str(db)]
    zh = subprocess.run(command, capture_output=True, text=True, env={**env, "LANG": "zh_CN.UTF-8"})
    en = subprocess.run(command, capture_output=True, text=True, env={**env, "LANG": "en_US.UTF-8"})
    assert zh.returncode == en.returncode == 1
    assert zh.stderr.startswith("错误：") and en.stderr.startswith("error: ")


def test_help_follows_the_language() -> None:
    command = [str(REPO / ".venv" / "bin" / "storehealth"), "ingest", "--help"]
    env = {k: v for k, v in os.environ.items() if k != "STOREHEALTH_LANG"}
    zh = subprocess.run(command, capture_output=True, text=True, env={**env, "STOREHEALTH_LANG": "zh"})
    en = subprocess.run(command, capture_output=True, text=True, env={**env, "STOREHEALTH_LANG": "en"})
    assert zh.returncode == en.returncode == 0
    assert "把导出文件加入订单历史" in zh.stdout and "示例" in zh.stdout
    assert "Add exports to the history" in en.stdout and "Example" in en.stdout
