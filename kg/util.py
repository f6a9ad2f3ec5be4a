"""Small shared helpers."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path


def csv_bytes(records: Iterable[dict], columns: Sequence[str]) -> bytes:
    """CSV as Excel opens Chinese text cleanly: UTF-8 with a BOM, CRLF rows, lists joined by "; "."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: ("; ".join(map(str, v)) if isinstance(v, list) else v) for k, v in record.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temporary file beside the target and rename: readers never see half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
