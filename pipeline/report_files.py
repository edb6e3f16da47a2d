"""Where reports are written: `<out>/<kind>/<scope>/<period label>.html`. One home for the
layout that the renderer (`reports`) writes and the index (`report_index`) reads, so that
neither needs the other. A leaf: it imports only `periods`."""

from __future__ import annotations

from pathlib import Path

from pipeline.periods import Period

KINDS = ("weekly", "review", "cluster")
# the scope (folder) of a cluster report over every store
CLUSTER_SCOPE = "all"


def report_path(out_dir: Path, kind: str, scope: str, period: Period) -> Path:
    """The file of one report; the same in every language."""
    return out_dir / kind / scope / f"{period.label}.html"
