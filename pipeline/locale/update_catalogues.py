"""Bring `pipeline/locale/<lang>.po` in line with the messages in the code.

    python -m pipeline.locale.update_catalogues

New messages are added with an empty translation (the catalogue test then fails until someone
translates them); messages no longer in the code are dropped. Translators edit the .po files.
The code is `pipeline/**.py` and the code cells of the report notebooks (`notebooks/*.ipynb`),
whose titles and section texts are written as `_("...")` too.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parents[1]
NOTEBOOKS = PACKAGE.parent / "notebooks"
KEYWORDS = {"_": None, "ngettext": (1, 2)}


def code_messages() -> dict[str, list[tuple[str, int]]]:
    """Every message the code passes to `_`, with where it is used."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, []).append((f"pipeline/{filename}", lineno))
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for lineno, _function, message, _comments in extract_python(
            io.BytesIO(code.encode("utf-8")), KEYWORDS, (), {"encoding": "utf-8"}
        ):
            msgid = message if isinstance(message, str) else message[0]
            if msgid:
                found.setdefault(msgid, []).append((f"notebooks/{notebook.name}", lineno))
    return found


def update(lang: str) -> Path:
    path = PACKAGE / "locale" / f"{lang}.po"
    old = read_po(path.open("rb"), locale=lang) if path.exists() else Catalog(locale=lang)
    new = Catalog(locale=lang, project="storehealth", fuzzy=False, copyright_holder="storehealth",
                  msgid_bugs_address="", last_translator="storehealth", language_team=lang)
    for msgid, places in sorted(code_messages().items()):
        kept = old.get(msgid)
        new.add(msgid, kept.string if kept else "", locations=[(file, None) for file, _ in places])
    with path.open("wb") as fh:
        write_po(fh, new, width=100, sort_output=True, include_lineno=False)
    return path


if __name__ == "__main__":
    for language in ("zh",):
        print(f"updated {update(language)}")
