"""Answering thresholds and weights: one object, read once from ``kg/resources/answer.toml``.

``POLICYKG_ANSWER_SETTINGS`` may name another TOML file of the same shape (for calibration runs);
nothing else reads thresholds from the environment.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class AnswerSettings:
    dense_weight_zh: float
    dense_weight_en: float
    renderings_per_word: int
    evidence_k: int
    boost_industry: float
    boost_entity: float
    boost_deadline: float
    boost_year: float
    boost_quantity: float
    boost_modality: float
    boost_bearer: float
    distinctive_share: float
    dense_floor_zh: float
    dense_floor_en: float
    dense_confident_zh: float
    missing_share: float
    missing_share_en: float
    candidate_k: int


@lru_cache(maxsize=1)
def settings() -> AnswerSettings:
    override = os.environ.get("POLICYKG_ANSWER_SETTINGS")
    text = Path(override).read_text("utf-8") if override else \
        resources.files("kg.resources").joinpath("answer.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    flat = {key: value for table in raw.values() for key, value in table.items()}
    return AnswerSettings(**flat)
