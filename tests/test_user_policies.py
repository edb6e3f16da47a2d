"""The seller's own policies.toml beside the history database (SPEC section 2): it overrides and
extends pipeline/policies.toml, per store if it says so, and a broken one applies nothing.

Two AliExpress stores, "ali" and "ali2", each 200 paid orders created on Sun 10 March 2024,
judged as of Thu 14 March: 3 of them cancelled unshipped by the seller for out of stock (★), the
rest shipped on time. Their 成交不卖率 is 3/200 = 1.5 %: a warning under the packaged limits
(warning above 1 %, breach above 2 %). An eBay store "eb" with 10 paid orders, none cancelled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.builders import EBAY_HEADERS, ali_row, ebay_row, table, write_ali, write_rows

AS_OF = ("--to", "2024-03-14")
CREATED = "2024.03.10 10:00"
ALI_RATE = "aliexpress_sold_not_shipped_rate"


def ali_orders(tmp_path: Path, cli, store: str) -> None:
    rows = []
    for n in range(200):
        if n < 3:
            cells = {"status": "订单关闭", "close_reason": "卖家取消订单", "cancel_reason": "商品缺货"}
        else:
            cells = {"status": "等待买家收货", "deadline": "2024-03-12", "shipped": "2024.03.11 09:00"}
        rows.append(ali_row(id=f"{store}{n:04d}", created=CREATED, paid=CREATED, **cells))
    result = cli("ingest", write_ali(tmp_path / f"{store}.csv", rows), "--store", store)
    assert result.exit_code == 0, result.output


@pytest.fixture
def history(tmp_path: Path, cli, db_path: Path) -> Path:
    """The history with its three stores; returns where the seller's policies.toml goes."""
    ali_orders(tmp_path, cli, "ali")
    ali_orders(tmp_path, cli, "ali2")
    paid = {"Sale Date": "Mar-10-24", "Paid On Date": "Mar-10-24"}
    rows = [ebay_row(str(n), f"12-0{n:04d}-00001", **paid) for n in range(10)]
    path = write_rows(tmp_path / "ebay.csv", EBAY_HEADERS, table(EBAY_HEADERS, rows))
    assert cli("ingest", path, "--store", "eb").exit_code == 0
    return db_path.parent / "policies.toml"


def standing(cli) -> dict:
    result = cli("metrics", "--all", *AS_OF, "--policy", "--json")
    assert result.exit_code == 0, result.output
    return {(p["store"], p["policy"]): p for p in json.loads(result.stdout)["policies"]}


def judged(p: dict) -> tuple:
    return p["numerator"], p["base"], p["warning"], p["breach"], p["standing"], p["orders_to_cross"]


def test_a_lower_aliexpress_limit_turns_a_warning_into_a_breach(history: Path, cli) -> None:
    before = standing(cli)
    # 3/200 = 1.5 %: above the 1 % warning, at most 2 %; 2 more (5/200 = 2.5 %) cross 2 %
    assert judged(before[("ali", ALI_RATE)]) == (3, 200, 0.01, 0.02, "warning", 2)
    assert before[("ali", ALI_RATE)]["set_in"] is None
    history.write_text(
        "# the level my seller centre shows\n"
        "[[policy]]\n"
        'key = "aliexpress_sold_not_shipped_rate"\n'
        "warning = 0.005\n"
        "breach = 0.01\n",
        encoding="utf-8",
    )
    after = standing(cli)
    # 1.5 % is past "at most 1 %", for both AliExpress stores; nothing else moved
    assert judged(after[("ali", ALI_RATE)]) == (3, 200, 0.005, 0.01, "breach", 0)
    assert judged(after[("ali2", ALI_RATE)]) == (3, 200, 0.005, 0.01, "breach", 0)
    shown, ali = f"{history.parent.name}/policies.toml", after[("ali", ALI_RATE)]
    assert ali["set_in"] == shown
    assert ali["source"].startswith(f"Set by the seller in {shown}. AliExpress seller rules")
    unchanged = {k: v for k, v in after.items() if k[1] != ALI_RATE}
    assert unchanged == {k: v for k, v in before.items() if k[1] != ALI_RATE}
    # the window, the kind of limit and the label stay the packaged ones
    assert (ali["window_days"], ali["limit_kind"]) == (30, "at_most")

    history.unlink()
    assert standing(cli) == before  # exactly the figures of before


def test_a_store_limit_applies_to_that_store_only(history: Path, cli) -> None:
    before = standing(cli)
    history.write_text(
        "[[policy]]\n"
        'key = "aliexpress_sold_not_shipped_rate"\n'
        'stores = ["ali"]\n'
        "warning = 0.01\n"
        "breach = 0.015\n"
        'source = "Seller centre, 2024-03: my category\'s level"\n',
        encoding="utf-8",
    )
    after = standing(cli)
    # 1.5 % is at most 1.5 %: still allowed, a warning; 1 more (4/200 = 2 %) crosses it
    assert judged(after[("ali", ALI_RATE)]) == (3, 200, 0.01, 0.015, "warning", 1)
    assert after[("ali", ALI_RATE)]["source"] == (
        f"Set by the seller for ali in {history.parent.name}/policies.toml. "
        "Seller centre, 2024-03: my category's level"
    )
    assert after[("ali2", ALI_RATE)] == before[("ali2", ALI_RATE)]
    assert len(after) == len(before)  # one policy per store and key: replaced, not added


def test_a_store_limit_builds_on_the_sellers_every_store_limit(history: Path, cli) -> None:
    history.write_text(
        '[[policy]]\nkey = "aliexpress_sold_not_shipped_rate"\nstores = ["ali2"]\nbreach = 0.03\n'
        '[[policy]]\nkey = "aliexpress_sold_not_shipped_rate"\nwarning = 0.02\nbreach = 0.025\n',
        encoding="utf-8",
    )
    got = standing(cli)
    # ali: warning 2 %, breach 2.5 %: 1.5 % is ok, 3 more (6/200 = 3 %) cross "at most 2.5 %"
    assert judged(got[("ali", ALI_RATE)]) == (3, 200, 0.02, 0.025, "ok", 3)
    # ali2: the every-store warning of 2 % with its own breach of 3 %: 4 more (7/200 = 3.5 %)
    assert judged(got[("ali2", ALI_RATE)]) == (3, 200, 0.02, 0.03, "ok", 4)


def test_a_new_key_adds_a_policy(history: Path, cli) -> None:
    history.write_text(
        "[[policy]]\n"
        'key = "ebay_pre_fulfilment_strict"\n'
        'label = "eBay cancellations, my own yardstick"\n'
        'platforms = ["ebay"]\n'
        'metric = "pre_fulfilment_cancel"\n'
        "window_days = 14\n"
        'limit_kind = "below"\n'
        "warning = 0.05\n"
        "breach = 0.1\n"
        'source = "our team\'s target"\n',
        encoding="utf-8",
    )
    got = standing(cli)
    added = got[("eb", "ebay_pre_fulfilment_strict")]
    # 0 of 10 orders: ok; ceil(0.1 × 10) = 1 seller cancel reaches "under 10 %"
    assert judged(added) == (0, 10, 0.05, 0.1, "ok", 1)
    assert (added["window_days"], added["window_from"], added["label"]) == (
        14, "2024-03-01", "eBay cancellations, my own yardstick"
    )
    assert ("ali", "ebay_pre_fulfilment_strict") not in got


def test_the_python_api_reads_the_file_of_its_own_history(history: Path, db_path: Path) -> None:
    from pipeline import connect, metrics

    history.write_text('[[policy]]\nkey = "aliexpress_sold_not_shipped_rate"\nstores = ["ali"]\n'
                       "breach = 0.015\n", encoding="utf-8")  # fmt: skip
    con = connect(db_path)
    try:
        limits = {s: {p["key"]: p["breach"] for p in metrics.policies(con, s)} for s in ("ali", "ali2")}
        everywhere = {p["key"]: p["breach"] for p in metrics.policies(con)}
    finally:
        con.close()
    assert (limits["ali"][ALI_RATE], limits["ali2"][ALI_RATE], everywhere[ALI_RATE]) == (0.015, 0.02, 0.02)
    assert {p["key"]: p["breach"] for p in metrics.policies()}[ALI_RATE] == 0.02  # as shipped


ALI = '[[policy]]\nkey = "aliexpress_sold_not_shipped_rate"\n'


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (ALI + "breach = 0.01\nwarning = \n", 4, "not valid TOML"),
        ("threshold = 0.02\n" + ALI, 1, "unknown setting 'threshold'"),
        ("[policy]\nkey = \"late_shipment_rate\"\n", 1, "[[policy]] entries (two square brackets)"),
        (ALI + "brech = 0.01\n", 3, "unknown field 'brech'"),
        (ALI + 'metric = "sold_unshipped"\n', 3, "unknown metric 'sold_unshipped'"),
        (ALI + 'window_days = "30"\n', 3, 'window_days must be a whole number of days, 1 or more, not "30"'),
        (ALI + "window_days = 0\n", 3, "window_days must be a whole number of days"),
        (ALI + "breach = 2\n", 3, "breach must be a rate from 0 to 1 (0.02 is 2 %), not 2"),
        (ALI + "warning = -0.01\n", 3, "warning must be a rate from 0 to 1"),
        (ALI + 'breach = "2 %"\n', 3, "breach must be a rate"),
        (ALI + "warning = 0.03\n", 3, "warning 0.03 is above breach 0.02"),
        (ALI + "breach = 0.005\n", 3, "warning 0.01 is above breach 0.005"),
        (ALI + 'limit_kind = "under"\n', 3, "unknown limit_kind 'under'"),
        (ALI + 'platforms = ["aliexpres"]\n', 3, "unknown platform 'aliexpres'"),
        (ALI + 'stores = ["ali-main"]\nbreach = 0.03\n', 3, "no store named 'ali-main'"),
        ('[[policy]]\nwarning = 0.01\n', 1, "a [[policy]] entry has no key"),
        (ALI + "breach = 0.03\n" + '\n[[policy]]\nkey = "my_rate"\nwarning = 0.01\nbreach = 0.02\n', 5,
         "policy 'my_rate' is not a packaged policy, so this entry adds one, and it lacks label, "
         "platforms, metric, window_days, limit_kind, source"),
        (ALI + "breach = 0.03\n" + ALI + "breach = 0.04\n", 5, "is given twice for every store"),
    ],
)  # fmt: skip
def test_a_broken_file_names_the_line_and_applies_nothing(
    history: Path, cli, text: str, line: int, says: str
) -> None:
    before = standing(cli)
    history.write_text(text, encoding="utf-8")
    result = cli("metrics", "--all", *AS_OF, "--policy", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"error: {history}, line {line}: " in result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.output
    # the readable table and the breakdowns refuse alike; with the file mended all is as before
    assert cli("metrics", "--store", "ali", *AS_OF, "--policy").exit_code == 1
    history.unlink()
    assert standing(cli) == before


def test_a_file_that_is_not_utf8_is_refused(history: Path, cli) -> None:
    history.write_bytes(ALI.encode("utf-8") + "breach = 0.01 # 成交不卖\n".encode("gbk"))
    result = cli("metrics", "--all", *AS_OF, "--policy")
    assert result.exit_code == 1
    assert f"error: {history}: this settings file is not UTF-8 text" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_the_readme_example_loads(tmp_path: Path, cli, db_path: Path, readme: str) -> None:
    from tests.conftest import REPO

    text = (REPO / readme).read_text(encoding="utf-8")
    (example,) = re.findall(r"```toml\n(# data/policies\.toml.*?)```", text, re.S)
    ali_orders(tmp_path, cli, "ali-main")
    (db_path.parent / "policies.toml").write_text(example, encoding="utf-8")
    got = standing(cli)[("ali-main", ALI_RATE)]
    # the store's own entry: 3/200 = 1.5 % is past "at most 1 %"
    assert judged(got) == (3, 200, 0.005, 0.01, "breach", 0)
    assert got["source"].endswith("Seller centre, June 2024: the level of my category")
