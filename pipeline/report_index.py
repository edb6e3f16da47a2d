"""`reports/index.html`: every rendered report, newest period first, rebuilt by whoever renders
(the weekly run, the report and demo commands) once its reports are written.

The index is made from the files on disk (`<kind>/<store>/<period>.html`), so it also lists
reports of earlier runs and never lists one that is gone. Names are HTML-escaped and links
URL-quoted: store names come from the command line. The index is written in the command's
language; each report's own language (its `<html lang>`) is shown beside it.
"""

from __future__ import annotations

import html
import os
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from pipeline.i18n import _, html_lang
from pipeline.periods import Period
from pipeline.report_files import CLUSTER_SCOPE, KINDS

# each language by its own name
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}

_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'PingFang SC',
       'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC',
       'WenQuanYi Micro Hei', sans-serif;
       color: #263238; background: #f5f7fa; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 24px 28px 40px; background: #fff; }
h1 { color: #0d47a1; margin: 0 0 4px; }
h2 { margin-top: 28px; border-bottom: 2px solid #e3e8ee; padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { text-align: left; background: #eceff1; padding: 6px 8px; }
td { border-top: 1px solid #e3e8ee; padding: 5px 8px; }
td.num { text-align: right; color: #607d8b; }
.muted { color: #78909c; font-size: 13px; }
"""


def list_reports(out_dir: Path) -> list[tuple[str, str, Period, Path]]:
    """(kind, store, period, path) of every report file under `out_dir`."""
    found = []
    for kind in KINDS:
        for path in sorted((out_dir / kind).glob("*/*.html")):
            period = Period.from_label(path.stem)
            if period is not None and not path.name.startswith("."):
                found.append((kind, path.parent.name, period, path))
    return found


def report_language(path: Path) -> str:
    """The language a report was rendered in, from its `<html lang>` (the page's first bytes)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(200).decode("utf-8", "replace")
    except OSError:
        return ""
    start = head.find('<html lang="')
    code = head[start + 12 :].split('"', 1)[0].split("-")[0] if start >= 0 else ""
    return LANGUAGE_NAMES.get(code, code)


def _kind_title(kind: str) -> str:
    return {
        "weekly": _("Weekly store-health reports"),
        "review": _("Store-health reviews"),
        "cluster": _("Cluster reports"),
    }[kind]


def build_index(out_dir: Path) -> Path:
    """Write `out_dir/index.html` (atomically) and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = list_reports(out_dir)
    sections = []
    for kind in KINDS:
        rows = [r for r in reports if r[0] == kind]
        if not rows:
            continue
        rows.sort(key=lambda r: (-r[2].last.toordinal(), r[1]))
        body = []
        for _kind, store, period, path in rows:
            link = quote(path.relative_to(out_dir).as_posix())
            who = _("every store") if store == CLUSTER_SCOPE and kind == "cluster" else store
            stat = path.stat()
            body.append(
                f'<tr><td><a href="{html.escape(link)}">{html.escape(period.title)}</a></td>'
                f"<td>{html.escape(who)}</td>"
                f"<td>{html.escape(report_language(path))}</td>"
                f"<td>{datetime.fromtimestamp(stat.st_mtime):%Y-%m-%d %H:%M}</td>"
                f'<td class="num">{stat.st_size / 1e6:.1f} MB</td></tr>'
            )
        columns = (_("period"), _("store"), _("language"), _("rendered"), _("size"))
        head = "".join(f"<th>{html.escape(h)}</th>" for h in columns)
        sections.append(
            f"<h2>{html.escape(_kind_title(kind))}</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )
    empty = html.escape(_("No report has been rendered yet."))
    content = "".join(sections) or f'<p class="muted">{empty}</p>'
    title = html.escape(_("storehealth reports"))
    summary = _("{count} reports · index rebuilt {when}", count=len(reports),
                when=f"{datetime.now():%Y-%m-%d %H:%M}")  # fmt: skip
    page = (
        f'<!DOCTYPE html>\n<html lang="{html_lang()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{title}</h1>"
        f'<p class="muted">{html.escape(summary)}</p>'
        f"{content}</main></body></html>\n"
    )
    index = out_dir / "index.html"
    tmp = index.with_name(f".index.html.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, index)
    finally:
        tmp.unlink(missing_ok=True)
    return index
