"""The per-installation secret that buyer ids are hashed with, kept beside the database, not in it.

A copy of the database (a backup, a file shared with an analyst) then holds only salted hashes
that cannot be turned back into buyer ids by hashing guesses.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

from pipeline.errors import InputError
from pipeline.i18n import _


def salt_path(db_path: Path) -> Path:
    """`data/storehealth.duckdb` keeps its salt in `data/storehealth.duckdb.salt`."""
    return db_path.with_name(db_path.name + ".salt")


def read_salt(db_path: Path) -> str | None:
    path = salt_path(db_path)
    if not path.exists():
        return None
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        os.chmod(path, 0o600)  # someone loosened it: only the owner may read the secret
    value = path.read_text(encoding="ascii").strip()
    if len(value) < 16:
        raise InputError(
            _("the buyer-hash salt file is damaged"),
            path=path,
            fix=_("restore it from where you keep it; without it new buyer hashes will not match old ones"),
        )
    return value


def write_salt(db_path: Path, value: str | None = None) -> str:
    """Create the salt file (mode 0600) in one step: a reader sees no file or the whole secret."""
    path = salt_path(db_path)
    value = value or secrets.token_hex(16)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (value + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return value


def ensure_salt(db_path: Path) -> str:
    return read_salt(db_path) or write_salt(db_path)
