"""The Chinese README keeps pace with the English one: same sections, same commands, same examples."""

from __future__ import annotations

import re
from itertools import zip_longest

import pytest
from typer.main import get_command

from pipeline.cli import app
from tests.conftest import REPO

EN = REPO / "README.md"
ZH = REPO / "README.zh-CN.md"
MAPPING = REPO / "examples" / "olist.toml"
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]
FENCE = re.compile(r"^(```|~~~)")


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def outside_code(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every line that is not inside a fenced code block."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines()):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def headings(text: str) -> list[tuple[int, str]]:
    """(level, text) of every `##` and `###` heading outside code blocks, in order."""
    found = []
    for _, line in outside_code(text):
        match = re.match(r"^(#{2,3})\s+(.*?)\s*#*\s*$", line)
        if match:
            found.append((len(match.group(1)), match.group(2)))
    return found


def command_headings(text: str) -> list[str]:
    return [title for _, title in headings(text) if title.strip("`").startswith("storehealth")]


def code_blocks(text: str) -> list[str]:
    """The body of every fenced code block, in order."""
    return re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.M | re.S)


def before_first_section(text: str) -> str:
    first = next((n for n, line in outside_code(text) if line.startswith("## ")), None)
    assert first is not None, "no '## ' section"
    return "".join(line + "\n" for line in text.splitlines()[:first])


def test_both_readmes_have_the_same_sections_in_the_same_order() -> None:
    en, zh = headings(read(EN)), headings(read(ZH))
    side_by_side = "\n".join(
        f"  {'#' * a[0] + ' ' + a[1] if a else '(none)':70} | {'#' * b[0] + ' ' + b[1] if b else '(none)'}"
        for a, b in zip_longest(en, zh)
    )
    assert [level for level, _ in en] == [level for level, _ in zh], (
        f"README.md and README.zh-CN.md differ in their ## / ### sections:\n{side_by_side}"
    )


def test_the_command_headings_are_identical_and_in_the_same_order() -> None:
    en, zh = command_headings(read(EN)), command_headings(read(ZH))
    assert en, "README.md has no '### `storehealth …`' headings"
    assert en == zh


@pytest.mark.parametrize("path", [EN, ZH], ids=lambda p: p.name)
def test_the_two_command_block_opens_the_readme(path) -> None:
    top = before_first_section(read(path))
    blocks = code_blocks(top)
    assert blocks, f"{path.name} has no code block before its first '## ' section"
    commands = [line.split("#")[0].strip() for line in blocks[0].splitlines() if line.strip()]
    assert commands == ["make demo", "make test"], f"{path.name} opens with {commands}"


def test_the_opening_block_is_the_same_in_both_languages() -> None:
    assert code_blocks(before_first_section(read(EN)))[:1] == code_blocks(before_first_section(read(ZH)))[:1]


def test_the_chinese_mapping_example_is_examples_olist_toml() -> None:
    readme = read(ZH)
    match = re.search(r"`examples/olist\.toml`[^\n]*\n+```toml\n(.*?)```", readme, re.S)
    assert match, "README.zh-CN.md has no mapping example (a ```toml block after `examples/olist.toml`)"
    assert match.group(1).encode("utf-8") == MAPPING.read_bytes()


def test_every_command_is_documented_in_the_chinese_readme() -> None:
    documented = set(re.findall(r"^###\s+`storehealth ([\w-]+)", read(ZH), flags=re.M))
    missing = set(COMMANDS) - documented
    assert not missing, f"README.zh-CN.md has no '### `storehealth <command>' section for {sorted(missing)}"


def test_the_code_blocks_are_the_same_in_both_languages() -> None:
    """Commands, options and paths are what the user types: the Chinese README shows them verbatim."""
    en, zh = code_blocks(read(EN)), code_blocks(read(ZH))
    missing = [block for block in en if block not in zh]
    assert not missing, "code blocks of README.md missing from README.zh-CN.md:\n" + "\n---\n".join(missing)
    assert [b for b in zh if b in en] == en, "the code blocks of README.zh-CN.md are in another order"


def test_the_readmes_link_to_each_other_at_the_top() -> None:
    assert "[中文说明 (README.zh-CN.md)](README.zh-CN.md)" in before_first_section(read(EN))
    assert "[English (README.md)](README.md)" in before_first_section(read(ZH))
