"""Store names that only look different: the ingest warns, and keeps the name it was given."""

from __future__ import annotations

import pytest

from pipeline.store_names import name_skeleton
from tests.builders import ali_row, write_ali
from tests.test_bad_input import GOOD_ORDERS


@pytest.mark.parametrize("twin", ["ѕouth", "ｓｏｕｔｈ", "South", "sоuth", "so_uth"])
def test_lookalike_names_fold_together(twin: str) -> None:
    assert name_skeleton(twin) == name_skeleton("south")


def test_distinct_names_stay_apart() -> None:
    assert name_skeleton("south") != name_skeleton("north")
    assert name_skeleton("ali-main") != name_skeleton("ali-main2")


def test_a_new_store_that_looks_like_an_old_one_warns(tmp_path, cli, query) -> None:
    assert cli("ingest", write_ali(tmp_path / "a.csv", GOOD_ORDERS), "--store", "south").exit_code == 0
    second = write_ali(tmp_path / "b.csv", [ali_row(id="8100000000000099", status="等待您发货",
                                                    created="2024.03.06 10:00")])  # fmt: skip
    result = cli("ingest", second, "--store", "ѕouth")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "store 'ѕouth' is new to the history but looks like 'south'" in text
    # the warning is all: the name given is kept
    assert query("select store, count(*) from orders_current group by 1 order by 1") == [
        ("south", 3), ("ѕouth", 1),
    ]  # fmt: skip
    third = write_ali(tmp_path / "c.csv", [ali_row(id="8100000000000098", status="等待您发货",
                                                   created="2024.03.07 10:00")])  # fmt: skip
    again = cli("ingest", third, "--store", "ѕouth")  # no longer new: no warning
    assert "looks like" not in again.output
