"""Seeded random draws shared by the simulation: digits, times, postcodes, weighted picks.

Everything is driven by seeded :class:`random.Random` instances (never the global one), so a
seed always yields byte-identical files.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any


class FastRandom(random.Random):
    """Seeded generator with cheaper single draws than the stdlib's rejection sampling.

    Only speed matters here (300,000-order benchmark files); the draws stay deterministic.
    """

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


def random_digits(rng: random.Random, n: int) -> str:
    """`n` random decimal digits (n <= 18)."""
    return f"{rng.getrandbits(64) % 10**n:0{n}d}"


def time_after(rng: random.Random, t: datetime, lo_hours: float, hi_hours: float) -> datetime:
    """A whole-second time `lo_hours`..`hi_hours` after `t`."""
    return t + timedelta(seconds=int(rng.uniform(lo_hours, hi_hours) * 3600))


@functools.lru_cache(maxsize=4096)
def ascii_name(text: str) -> str:
    """ASCII letters of a name, for user names and e-mail addresses."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_.lower() if c.isalnum())


def random_postcode(rng: random.Random, pattern: str) -> str:
    """A postcode shaped like `pattern`: '#' a digit, '@' a capital letter."""
    out = []
    for c in pattern:
        if c == "#":
            out.append(str(rng.randrange(10)))
        elif c == "@":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(c)
    return "".join(out)


def cumulative_weights(weights: Sequence[float]) -> list[float]:
    """Running sums of `weights`, computed once for the many :func:`weighted_index` draws."""
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


def weighted_index(rng: random.Random, cum: list[float]) -> int:
    """Index drawn by cumulative weights (bisect; cheaper than rng.choices for one draw)."""
    return min(bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)
