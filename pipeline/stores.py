"""The seller's stores: drop folders under `data/exports/<store>/`, and the optional `stores.toml`.

The folder name is the store's name. `stores.toml` (beside the exports folder, i.e.
`data/stores.toml`) may give each store its platform (else detected from the headers), a
mapping file for any other source (`--platform generic --mapping FILE`), a display name,
currency, owner and report language.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.adapters import PLATFORMS as ADAPTER_PLATFORMS
from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.time_zones import valid_time_zone

STORE_NAME = re.compile(r"[\w][\w.\-]{0,63}")
# The platforms a drop folder can be named as; `generic` comes with a `mapping` file.
PLATFORMS = tuple(p for p in ADAPTER_PLATFORMS if p != "generic")
KEYS = {"platform", "mapping", "display_name", "currency", "owner", "lang", "timezone"}


@dataclass(frozen=True)
class StoreConfig:
    name: str
    platform: str | None = None
    mapping: str | None = None  # the mapping file's path, resolved against stores.toml's folder
    display_name: str | None = None
    currency: str | None = None
    owner: str | None = None
    lang: str | None = None
    timezone: str | None = None  # IANA name: times written with a UTC offset are converted to it


def valid_store_name(name: str) -> bool:
    return bool(STORE_NAME.fullmatch(name)) and ".." not in name


def load_stores_file(path: Path) -> dict[str, StoreConfig]:
    """`[store-name]` tables with platform, display_name, currency, owner, lang (all optional);
    the first mistake raises InputError."""
    stores, problems = load_stores(path)
    if problems:
        raise next(iter(problems.values()))
    return stores


def load_stores(path: Path) -> tuple[dict[str, StoreConfig], dict[str, InputError]]:
    """The stores that `stores.toml` describes well, and the mistake of each store that it does
    not: one store's bad table leaves the others' in force. A file that cannot be read or is not
    TOML raises InputError (no store's settings are known then)."""
    if not path.is_file():
        return {}, {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        fix = _("fix the TOML syntax") if isinstance(exc, tomllib.TOMLDecodeError) else None
        if isinstance(exc, OSError):
            fix = _("let the user who runs storehealth read it")
        raise InputError(_("cannot read it ({error})", error=exc), path=path, fix=fix) from None
    stores: dict[str, StoreConfig] = {}
    problems: dict[str, InputError] = {}
    for name, table in data.items():
        try:
            stores[name] = _store_config(path, name, table)
        except InputError as exc:
            problems[name] = exc
    return stores, problems


def _store_config(path: Path, name: str, table: object) -> StoreConfig:
    if not isinstance(table, dict):
        raise InputError(
            _("{name!r} must be a table such as [{name}]", name=name), path=path,
            fix=_("see the README's stores.toml example"),
        )  # fmt: skip
    if not valid_store_name(name):
        raise InputError(_("store name {name!r} is not allowed", name=name), path=path,
                         fix=_("use letters, digits, '.', '-' or '_'"))  # fmt: skip
    unknown = set(table) - KEYS
    if unknown:
        raise InputError(
            _("[{name}] has unknown keys: {keys}", name=name, keys=", ".join(sorted(unknown))),
            path=path, fix=_("use only {keys}", keys=", ".join(sorted(KEYS))),
        )  # fmt: skip
    if "mapping" in table:
        mapping = path.parent / str(table["mapping"])
        if table.get("platform") not in (None, "generic"):
            raise InputError(
                _("[{name}] has a mapping file, which is for --platform generic, and platform "
                  "{platform!r}", name=name, platform=table["platform"]),
                path=path, fix=_("leave out platform, or the mapping"),
            )  # fmt: skip
        if not mapping.is_file():
            raise InputError(
                _("[{name}] mapping {file}: no such file", name=name, file=mapping), path=path,
                fix=_("give the mapping file's path relative to {folder}", folder=path.parent),
            )  # fmt: skip
        table = {**table, "platform": "generic", "mapping": str(mapping)}
    elif table.get("platform") not in (None, *PLATFORMS):
        raise InputError(
            _("[{name}] platform {platform!r} is not one of {platforms}",
              name=name, platform=table["platform"], platforms=", ".join(PLATFORMS)),
            path=path, fix=_("leave it out to detect the platform from the headers"),
        )  # fmt: skip
    if table.get("lang") not in (None, "zh", "en"):
        raise InputError(_("[{name}] lang must be \"zh\" or \"en\"", name=name), path=path)
    if "timezone" in table and not valid_time_zone(str(table["timezone"])):
        raise InputError(_("[{name}] timezone {zone!r} is not a time zone name", name=name,
                           zone=str(table["timezone"])[:60]), path=path,
                         fix=_("give a name such as Asia/Shanghai or America/New_York"))  # fmt: skip
    return StoreConfig(name=name, **{k: str(v) for k, v in table.items()})


def drop_folders(exports_root: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """(store, folder) for every store folder, and a warning for each folder name refused."""
    if not exports_root.is_dir():
        return [], []
    folders, warnings = [], []
    for entry in sorted(exports_root.iterdir()):
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        if valid_store_name(entry.name):
            folders.append((entry.name, entry))
        else:
            warnings.append(
                _("{folder}: the folder name is not a valid store name (letters, digits, '.', '-', '_'); "
                  "its files were not ingested", folder=entry)
            )
    return folders, warnings
