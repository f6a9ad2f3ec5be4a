"""Helpers shared by the test modules: the shipped corpus and its seed, running the ``policykg`` command
line, whitespace-free text."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
#: The shipped library: what ``policykg build`` builds by default.
CORPUS = PROJECT / "corpus"
#: Its documents' ids, sorted (as ``kg.corpus.load`` returns them).
LIBRARY = ("alp-2019", "epl-2014", "guofa-2013-41", "gwr-2010", "gwr-2014", "gwr-2016", "lal-2019")
#: The seed document, the first the project was written for: many tests are about it alone.
DOC = "guofa-2013-41"
SEED = CORPUS / f"{DOC}.txt"
SEED_META = CORPUS / f"{DOC}.meta.json"
EXTRA = Path(os.environ.get("POLICYKG_SHARED", PROJECT.parent / "shared")) / "corpus" / "extra"

_WHITESPACE = re.compile(r"\s+")


def copy_seed(folder: Path) -> Path:
    """A corpus folder holding only the seed (its text and its sidecar), for tests about one document."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (SEED, SEED_META):
        shutil.copy(path, folder / path.name)
    return folder


def copy_library(folder: Path) -> Path:
    """A copy of the whole shipped corpus, for tests where the library matters."""
    shutil.copytree(CORPUS, folder)
    return folder


def load_document(doc_id: str, corpus: Path = CORPUS):
    """One document of a corpus folder by its id (never by its position in the folder)."""
    from kg.corpus import load

    found = [document for document in load(corpus) if document.meta.id == doc_id]
    assert len(found) == 1, f"{doc_id} is not (once) in {corpus}"
    return found[0]


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


def kill_build_at(data: Path, corpus: Path, phase: str, delay: float, *options: str) -> int:
    """Start ``policykg build OPTIONS``, SIGKILL it ``delay`` s after it announces ``phase``; its exit code."""
    process = subprocess.Popen([*policykg_command(), "build", *options], cwd=PROJECT, env=cli_env(data, corpus),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, encoding="utf-8")
    for line in process.stderr:
        if line.strip() == f"build: {phase}":
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            break
    process.stderr.close()
    return process.wait(timeout=300)


def run_cli(*args: str, data: Path | None = None, corpus: Path | None = None, stdin: str | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*policykg_command(), *args], cwd=PROJECT, env=cli_env(data, corpus), input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout, check=False)
