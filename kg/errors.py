"""Errors that carry what went wrong and where, so the CLI can print one clear line."""

from __future__ import annotations

from pathlib import Path


class PolicyKGError(Exception):
    """Base class: the CLI turns these into a message and a non-zero exit, never a traceback."""

    exit_code = 2


class CorpusError(PolicyKGError):
    """A corpus file or its metadata sidecar cannot be used."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self) -> tuple:
        # Raised in a build worker process, it is pickled back to the parent by its two fields.
        return type(self), (self.path, self.problem)


class StoreError(PolicyKGError):
    """The store is missing, locked or inconsistent."""


class ValidationError(PolicyKGError):
    """The graph does not conform to the SHACL shapes."""

    exit_code = 1


class QueryError(PolicyKGError):
    """A named query is unknown, lacks a parameter, or a SPARQL text is refused."""


class QuestionError(PolicyKGError):
    """A question cannot be processed (empty, too long, not text)."""


class OutputError(PolicyKGError):
    """An output path (``-o``) cannot be written safely."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self) -> tuple:
        return type(self), (self.path, self.problem)
