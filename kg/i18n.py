"""The language catalogue: every user-facing string of answers, by key, in Chinese and English.

Strings live in ``kg/resources/i18n/{zh,en}.toml`` (sections of keys); :func:`text` renders one with
its parameters. A test checks that both languages have the same keys.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from functools import lru_cache
from importlib import resources


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


@lru_cache(maxsize=2)
def catalogue(language: Language | str) -> dict[str, str]:
    """Flat ``section.key`` → template for one language."""
    raw = tomllib.loads(resources.files("kg.resources").joinpath("i18n").joinpath(f"{Language(language).value}.toml")
                        .read_text("utf-8"))
    return {f"{section}.{key}": value for section, table in raw.items() for key, value in table.items()}


def text(key: str, language: Language | str = Language.ZH, **params: object) -> str:
    """The string ``key`` in ``language`` with ``params`` filled in; a missing key is a bug, so it raises."""
    template = catalogue(language)[key]
    return template.format(**params) if params else template
