"""Time expressions that are no date: frequency, timing, manner and advance (OWL-Time has no place for
定期 or 逐步, yet officials ask "多久一次", "是立即还是逐步").

=========  =========================  ==============================
class      examples                   answers
=========  =========================  ==============================
frequency  定期发布, 每年, 常态化         多久一次 / how often
timing     立即停建, 尽快取消, 适时发布     什么时候 (when no date is given)
manner     逐步降低, 分批, 一步到位         立即还是逐步 / gradually or not
advance    提前一年完成                  提前多久 / how early
=========  =========================  ==============================
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources


class MannerClass(StrEnum):
    FREQUENCY = "frequency"
    TIMING = "timing"
    MANNER = "manner"
    ADVANCE = "advance"


@dataclass(frozen=True)
class MannerExpression:
    start_char: int
    end_char: int
    surface: str
    kind: MannerClass


_ADVANCE = re.compile(r"提前\s*[\d一二两三四五六七八九十半]+\s*个?(?:年|月|天|季度)")
# Every N years / months (至少每三年调整或者重新公布一次, 每两年): a frequency with its interval.
_EVERY = re.compile(r"(?:至少|最长|最少)?每(?:隔)?\s*[\d一二两三四五六七八九十半]+\s*个?(?:年|月|周|日|天|季度)")


@lru_cache(maxsize=1)
def _words() -> dict[MannerClass, tuple[str, ...]]:
    raw = tomllib.loads(resources.files("kg.resources").joinpath("manner.toml").read_text("utf-8"))
    return {MannerClass(name): tuple(sorted(words, key=len, reverse=True)) for name, words in raw.items()}


def find_manner(text: str) -> list[MannerExpression]:
    """Frequency, timing, manner and advance expressions, left to right; a word in two classes
    (立即 is timing and manner) is found once per class."""
    found = [MannerExpression(m.start(), m.end(), m.group(0), MannerClass.ADVANCE) for m in _ADVANCE.finditer(text)]
    every = [MannerExpression(m.start(), m.end(), m.group(0), MannerClass.FREQUENCY) for m in _EVERY.finditer(text)]
    found += every
    for kind, words in _words().items():
        pattern = re.compile("|".join(map(re.escape, words)))
        found += [MannerExpression(m.start(), m.end(), m.group(0), kind) for m in pattern.finditer(text)
                  if not any(e.start_char <= m.start() < e.end_char for e in every)]  # 每年 of 每两年 once
    return sorted(found, key=lambda e: (e.start_char, e.kind))
