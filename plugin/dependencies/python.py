"""The Python interpreter that QGIS runs, as a program pip can be started with.

Inside QGIS, sys.executable is QGIS itself (`qgis` on Linux, `qgis-bin.exe` on Windows, `QGIS` on macOS) or, on some
set-ups, whatever `python3` comes first on PATH (a pyenv shim of another build): neither is safe to start pip with.
Every candidate is therefore started and must report the same full version and base prefix as the running Python;
packages installed by another build (3.11.7 instead of 3.11.2, another prefix) may not import in QGIS.
"""
from __future__ import annotations

import functools
import ntpath
import os
import posixpath
import subprocess
import sys
from typing import Callable, Sequence

IdentityOf = Callable[[str], "tuple[tuple[int, int, int], str] | None"]
PROBE = "import sys; print('%d %d %d' % sys.version_info[:3]); print(sys.base_prefix)"


@functools.lru_cache(maxsize=32)
def interpreter_identity(path: str, timeout: float = 20.0) -> tuple[tuple[int, int, int], str] | None:
    """((major, minor, micro), base_prefix) reported by the Python at `path`, or None if it does not run, times
    out or prints something else. Cached: the dialog asks again for the path it shows."""
    try:
        out = subprocess.run([path, "-c", PROBE], capture_output=True, text=True, timeout=timeout)
        first, prefix = out.stdout.strip().splitlines()
        major, minor, micro = (int(part) for part in first.split())
        return (major, minor, micro), prefix.strip()
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def _same_prefix(a: str, b: str) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def candidates(executable: str, prefix: str, version: Sequence[int], platform: str) -> list[str]:
    """Paths where the interpreter may be, most likely first; `prefix` is sys.base_prefix."""
    major, minor = version[0], version[1]
    path = ntpath if platform.startswith("win") else posixpath  # testable for every platform on any platform
    here = path.dirname(executable)
    itself = [executable] if path.basename(executable).lower().startswith("python") else []
    if platform.startswith("win"):  # OSGeo4W: apps/Python3X (= sys.base_prefix) holds the interpreter; bin/ a copy
        found = [path.join(prefix, "python.exe"), path.join(prefix, "python3.exe"),
                 path.join(here, "python.exe"), path.join(here, "python3.exe")]
    else:
        names = [f"python{major}.{minor}", f"python{major}"]
        folders = ["/usr/bin", path.join(prefix, "bin")]
        if platform == "darwin":  # QGIS.app/Contents/MacOS/bin/python3 (official builds); prefix/bin otherwise
            folders = [path.join(here, "bin"), path.join(prefix, "bin")]
        found = [path.join(folder, name) for name in names for folder in folders]
    return list(dict.fromkeys(found + itself))


def find_python(executable: str = sys.executable, prefix: str = sys.base_prefix,
                version: Sequence[int] = tuple(sys.version_info[:3]), platform: str = sys.platform,
                exists: Callable[[str], bool] = os.path.isfile,
                identity_of: IdentityOf = interpreter_identity) -> str | None:
    """The first candidate (see `candidates`) that exists and, when started, reports exactly `version`
    (major, minor, micro) and base prefix `prefix` (those of the running Python). None when there is none: the
    caller says where it looked."""
    want = tuple(int(v) for v in version[:3])
    for candidate in candidates(executable, prefix, version, platform):
        if not exists(candidate):
            continue
        identity = identity_of(candidate)
        if identity is not None and tuple(identity[0]) == want and _same_prefix(identity[1], prefix):
            return candidate
    return None
