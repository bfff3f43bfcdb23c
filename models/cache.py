"""Files the plugin derives from a model's verified weights and keeps between runs (int8 graphs, onnxruntime's
optimised graphs): where they go, and how one is published and checked.

A derived file is written under a temporary name beside its target and moved into place with its SHA-256 written
next to it (`<name>.sha256`), so a concurrent run (a Dask worker, a second QGIS) finds a whole file or none, and a
truncated or damaged file is built again instead of being used. A derived file runs as the model, so only files the
user could have written themselves are trusted (see trusted): another account's file in a shared cache folder is
left alone and built again for this run.
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from ..plugin.core.engine.errors import CancelledError
from ..plugin.core.engine.progress import process_stopping
from .card import ModelCard
from .registry import sha256_of

CACHE_ENV = "DEEPMAPPER_CACHE"
STALE_S = 3600  # a temporary file untouched this long was left by a killed run (a build takes seconds)
UNUSED_S = 60 * 86400  # a derived file no run has used for this long (another version of a runtime, CPU or model)


def cache_root(card: ModelCard) -> Path:
    """$DEEPMAPPER_CACHE when set (one cache for QGIS, qgis_process and the command line; '~' expanded, blank means
    unset), else the download folder of the settings (the registry's download_dir), else ~/.cache/deepmapper
    ($XDG_CACHE_HOME/deepmapper). A chosen folder whose files cannot be kept from other accounts' writes (FAT, exFAT,
    a network share mounted with one mode for every file: see protects) gives way to the private default, where
    derived files can be trusted; otherwise every run would build them again (10-20 s for an int8 graph or an
    export)."""
    default = private_root()
    base = Path(os.environ.get(CACHE_ENV, "").strip() or card.extra.get("download_dir") or default).expanduser()
    return base if base == default or protects(base) else default


def private_root() -> Path:
    """~/.cache/deepmapper ($XDG_CACHE_HOME/deepmapper): the cache when no other folder is chosen."""
    return (Path(os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache") / "deepmapper").expanduser()


def protects(folder: Path) -> bool:
    """True when a file made in `folder` can be trusted (see trusted): its owner is this account and the permissions
    that keep other accounts from writing it stick. Not so on FAT/exFAT and on SMB/NFS shares mounted with one mode
    (often 0777) or another owner for every file. True when the folder cannot be written at all (the builders then
    run without a cache and say so). Probed once per folder and process, with a file made and deleted there."""
    return _protects(str(folder))


@lru_cache(maxsize=16)
def _protects(folder: str) -> bool:
    if not hasattr(os, "getuid"):
        return True
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".probe-")
        os.close(handle)
    except OSError:
        return True
    probe = Path(name)
    try:
        _readable_by_all_writable_by_owner(probe)
        return trusted(probe)
    except OSError:
        return True
    finally:
        probe.unlink(missing_ok=True)


def digest_path(path: Path) -> Path:
    """Where the SHA-256 of the derived file `path` is kept."""
    return path.with_name(path.name + ".sha256")


def trusted(path: Path) -> bool:
    """True when `path` belongs to this account (or root) and no other account may write it: its SHA-256 file only
    proves that it is whole, not who made it. Always True where files have no POSIX owners (Windows)."""
    if not hasattr(os, "getuid"):
        return True
    info = path.stat()
    return info.st_uid in (os.getuid(), 0) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def intact(path: Path) -> bool:
    """True when the derived file exists, is trusted (with its digest) and matches the SHA-256 recorded when it was
    built."""
    digest = digest_path(path)
    try:
        return (path.is_file() and trusted(path) and trusted(digest)
                and digest.read_text().strip() == sha256_of(path))
    except OSError:  # no digest (or unreadable): build again
        return False


def publish(built: Path, target: Path) -> None:
    """Move the finished file `built` (in the same folder as `target`) into place, its digest first, unless another
    run has just published an intact one (then `built` is deleted). Raises OSError when the folder cannot be
    written; nothing of this call is left behind then but `built`, which the caller removes."""
    if intact(target):
        built.unlink(missing_ok=True)
        return
    digest = built.with_name(digest_path(target).name + f".{os.getpid()}")
    try:
        digest.write_text(sha256_of(built))
        for made in (built, digest):
            _readable_by_all_writable_by_owner(made)
        os.replace(digest, digest_path(target))
    except OSError:
        digest.unlink(missing_ok=True)
        raise
    os.replace(built, target)  # atomic: a concurrent run finds a whole file or none


@contextmanager
def building(target: Path, temp_prefix: str) -> Iterator[Path]:
    """A new empty file '<temp_prefix>*' beside `target` to build into: published (see publish) when the block ends
    normally, deleted when the block or the publishing raises (OSError for a folder that cannot be written)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=temp_prefix, suffix=target.suffix)
    os.close(handle)
    built = Path(name)
    try:
        yield built
        publish(built, target)
    except BaseException:
        built.unlink(missing_ok=True)
        raise


def write_record(path: Path, text: str, temp_prefix: str) -> None:
    """Write a small text file the cache keeps without a digest (a record, not a graph that runs): whole or not at
    all (a temporary '<temp_prefix>*' file moved into place), 0644 as published files are. Raises OSError when the
    folder cannot be written; nothing is left behind then."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix, suffix=path.suffix)
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        _readable_by_all_writable_by_owner(Path(name))
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _readable_by_all_writable_by_owner(path: Path) -> None:
    """0644 whatever the umask: other accounts sharing the cache may use the file, and a umask of 002 would make it
    group-writable, which `trusted` refuses. Folders without POSIX permissions (FAT, some network shares) keep
    theirs."""
    try:
        os.chmod(path, 0o644)
    except OSError:
        pass


def safe_name(text: str) -> str:
    """`text` (a model id, a file stem) as a file name that stays in its folder: only letters, digits, '.', '_' and
    '-', not starting with '.'."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text).lstrip(".") or "model"


def touch(path: Path) -> None:
    """Mark a derived file as used (its modification time), so that tidy keeps it; not possible in a read-only
    cache, where nothing is deleted either."""
    try:
        os.utime(path)
    except OSError:
        pass


def tidy(folder: Path, temp_prefix: str) -> None:
    """Delete what killed runs left in `folder` (a '<temp_prefix>*' file or a '<file>.sha256.<pid>' digest untouched
    for STALE_S) and derived '.onnx' files (and records of failed builds, '.failed') no run used for UNUSED_S, with
    their digests."""
    if not folder.is_dir():
        return
    now = time.time()
    for path in folder.iterdir():
        try:
            age = now - path.stat().st_mtime
            if (path.name.startswith(temp_prefix) or ".sha256." in path.name) and age > STALE_S:
                path.unlink()
            elif path.suffix in (".onnx", ".failed") and not path.name.startswith(".") and age > UNUSED_S:
                discard(path)
        except OSError:  # removed meanwhile by another run, or another account's
            pass


def discard(path: Path) -> None:
    """Delete a derived file and its digest, as far as this account may (another account's, or a read-only cache:
    left as they are)."""
    for item in (path, digest_path(path)):
        try:
            item.unlink()
        except OSError:
            pass


BUILD_POLL_S = 0.2  # seconds between cancel checks while a derived file is built
_builds: dict[str, tuple[threading.Thread, list[BaseException]]] = {}  # target -> its build in this process
_builds_lock = threading.Lock()


def build_while_checking(target: Path, build: Callable[[], None], check: Callable[[], None] | None, name: str,
                         stopping_note: str | None = None, say: Callable[[str], None] | None = None) -> None:
    """Run `build` (which makes the derived file `target`: an int8 graph, a torch model's ONNX export) in a daemon
    thread, or join the one this process already runs for `target` (left by a cancelled run), calling `check` every
    BUILD_POLL_S until it ends; an error of the build is raised here.

    Why: onnxruntime's quantiser and torch's exporter cannot be interrupted, and they take 10-20 s, so a cancel
    from the user (CancelledError from `check`) returns at once and the build finishes in the background, cached
    for the next run. A cancel by SIGINT/SIGTERM waits for it (`stopping_note` is said first, so that the wait does
    not look like a hang): that process exits next, and a thread still inside onnx, onnxruntime or torch then
    crashes it (qgis_process ends without finalising Python). Without `check`, `build` runs in this thread."""
    if check is None:
        build()
        return
    with _builds_lock:
        worker, failure = _builds.get(str(target), (None, []))
        if worker is None or not worker.is_alive():
            failure = []

            def run() -> None:
                try:
                    build()
                except BaseException as exc:  # handed to the waiting thread, which raises it
                    failure.append(exc)

            worker = threading.Thread(target=run, name=name, daemon=True)
            _builds[str(target)] = (worker, failure)
            worker.start()
    while worker.is_alive():
        try:
            check()
        except CancelledError:
            if process_stopping():
                if say is not None and stopping_note:
                    say(stopping_note)
                worker.join()
            raise
        worker.join(BUILD_POLL_S)
    if failure:
        raise failure[0]
