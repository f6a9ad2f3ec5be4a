"""Helpers shared by the test modules: running the ``policykg`` command line, whitespace-free text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SEED = PROJECT / "corpus" / "guofa-2013-41.txt"
EXTRA = Path(os.environ.get("POLICYKG_SHARED", PROJECT.parent / "shared")) / "corpus" / "extra"
DOC = "guofa-2013-41"

_WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """The text without any white space (what the normaliser promises to keep)."""
    return _WHITESPACE.sub("", text)


def policykg_command() -> list[str]:
    """The installed ``policykg`` script beside this interpreter, else ``python -m kg.cli``."""
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kg.cli"]


def cli_env(data: Path | None = None, corpus: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("POLICYKG_DATA", "POLICYKG_CORPUS")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", PYTHONIOENCODING="utf-8")
    if data is not None:
        env["POLICYKG_DATA"] = str(data)
    if corpus is not None:
        env["POLICYKG_CORPUS"] = str(corpus)
    return env


def start_cli(*args: str, data: Path | None = None, corpus: Path | None = None) -> subprocess.Popen[str]:
    """Start ``policykg`` without waiting (several can run at once); read it with ``communicate()``."""
    return subprocess.Popen([*policykg_command(), *args], cwd=PROJECT, env=cli_env(data, corpus),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")


def run_cli(*args: str, data: Path | None = None, corpus: Path | None = None, stdin: str | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*policykg_command(), *args], cwd=PROJECT, env=cli_env(data, corpus), input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout, check=False)
