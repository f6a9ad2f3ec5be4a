"""Small shared helpers."""

from __future__ import annotations

import csv
import io
import os
import stat
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


def _umask() -> int:
    # The umask can only be read by setting it; set it straight back (a few instructions, same thread).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temporary file beside the target and rename: readers never see half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in [data] if isinstance(data, bytes) else data:  # pieces: a large export is never whole
                stream.write(piece)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_output(path: str | Path, data: bytes | Iterable[bytes]) -> Path:
    """Write a user-named output file: only ever create or replace a regular file.

    A symlink, directory, device, named pipe or socket at the path is refused (replacing
    ``/dev/null`` or following a planted link would be worse than failing). The file is written
    beside the target and renamed into place, with the permissions the umask allows a new file.
    """
    from kg.errors import OutputError

    target = Path(path)
    if not str(path).strip():
        raise OutputError(target, "the output path is empty")
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(target, f"cannot inspect the output path: {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(target, "is a symbolic link; give the path of a regular file")
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(target, "is a directory; give a file name, e.g. -o out.ttl")
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(target, "is not a regular file (device, pipe or socket); refusing to replace it")
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(target, f"the folder {parent} does not exist")
    mode = (info.st_mode & 0o777) if info is not None else (0o666 & ~_umask())
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(target, f"cannot write in {parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in [data] if isinstance(data, bytes) else data:  # pieces: a large export is never whole
                stream.write(piece)
        os.chmod(temporary, mode)  # mkstemp creates 0600; a new output gets what the umask allows
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(target, f"cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
