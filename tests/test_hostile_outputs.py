"""Hostile output paths for ``export -o`` and ``checklist -o`` (issue 12, item 5)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers import run_cli

from kg.errors import OutputError
from kg.util import write_output


def test_a_new_file_gets_the_permissions_the_umask_allows(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_output(tmp_path / "out.ttl", b"data")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out.ttl").stat().st_mode) == 0o640
    assert (tmp_path / "out.ttl").read_bytes() == b"data"


def test_an_existing_regular_file_is_replaced_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    target.chmod(0o604)
    write_output(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o604
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary left beside it


def test_a_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    (tmp_path / "link").symlink_to(victim)
    with pytest.raises(OutputError, match="symbolic link"):
        write_output(tmp_path / "link", b"x")
    assert victim.read_bytes() == b"keep me" and (tmp_path / "link").is_symlink()


def test_a_named_pipe_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(OutputError, match="not a regular file"):
        write_output(tmp_path / "pipe", b"x")
    assert stat.S_ISFIFO((tmp_path / "pipe").lstat().st_mode)


def test_a_device_is_refused() -> None:
    before = os.stat("/dev/null")
    with pytest.raises(OutputError, match="not a regular file"):
        write_output("/dev/null", b"x")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_directory_is_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_output(tmp_path, b"x")
    with pytest.raises(OutputError, match="does not exist"):
        write_output(tmp_path / "missing" / "out.ttl", b"x")


@pytest.mark.slow
@pytest.mark.parametrize("command", [("export", "--format", "ttl"), ("checklist", "--format", "csv")])
def test_cli_outputs_refuse_directories_and_devices(command: tuple[str, ...], built_data: Path,
                                                    tmp_path: Path) -> None:
    for path, needle in ((tmp_path, "is a directory"), (Path("/dev/null"), "not a regular file")):
        result = run_cli(*command, "-o", str(path), data=built_data, timeout=120)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.startswith("policykg: error:") and needle in result.stderr
        assert result.stderr.count("\n") == 1
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    result = run_cli(*command, "-o", str(tmp_path / "out"), data=built_data, timeout=120)
    assert result.returncode == 0 and (tmp_path / "out").stat().st_size > 100
