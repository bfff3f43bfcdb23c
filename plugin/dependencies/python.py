"""The Python interpreter that QGIS runs, as a program pip can be started with.

Inside QGIS, sys.executable is QGIS itself (`qgis` on Linux, `qgis-bin.exe` on Windows, `QGIS` on macOS), not
Python: starting it with `-m pip` would open another QGIS. The interpreter is found beside it instead.
"""
from __future__ import annotations

import ntpath
import os
import posixpath
import subprocess
import sys
from typing import Callable, Sequence

VersionOf = Callable[[str], "tuple[int, int] | None"]


def interpreter_version(path: str) -> tuple[int, int] | None:
    """(major, minor) of the Python at `path`, or None if it does not run."""
    try:
        out = subprocess.run([path, "-c", "import sys; print('%d %d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=20)
        major, minor = out.stdout.split()
        return int(major), int(minor)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def candidates(executable: str, prefix: str, version: Sequence[int], platform: str) -> list[str]:
    """Paths where the interpreter may be, most specific first."""
    major, minor = version[0], version[1]
    path = ntpath if platform.startswith("win") else posixpath  # testable for every platform on any platform
    here = path.dirname(executable)
    if platform.startswith("win"):  # OSGeo4W: apps/Python3X (= sys.prefix) holds the interpreter; bin/ a copy
        return [path.join(prefix, "python.exe"), path.join(prefix, "python3.exe"),
                path.join(here, "python.exe"), path.join(here, "python3.exe")]
    names = [f"python{major}.{minor}", f"python{major}"]
    folders = [path.join(prefix, "bin")]
    if platform == "darwin":  # QGIS.app/Contents/MacOS/bin/python3 (official builds); prefix/bin otherwise
        folders.insert(0, path.join(here, "bin"))
    else:
        folders.append("/usr/bin")
    return [path.join(folder, name) for folder in dict.fromkeys(folders) for name in names]


def find_python(executable: str = sys.executable, prefix: str = sys.prefix,
                version: Sequence[int] = tuple(sys.version_info[:2]), platform: str = sys.platform,
                exists: Callable[[str], bool] = os.path.isfile,
                version_of: VersionOf = interpreter_version) -> str | None:
    """The interpreter running this code, as a path: sys.executable when it is Python (tests, a venv,
    qgis_process from a venv), else the first candidate that exists and reports the same major.minor version.
    None when there is none (the caller says where it looked, see `candidates`)."""
    path = ntpath if platform.startswith("win") else posixpath
    if path.basename(executable).lower().startswith("python"):
        return executable
    want = (int(version[0]), int(version[1]))
    for candidate in candidates(executable, prefix, version, platform):
        if exists(candidate) and version_of(candidate) == want:
            return candidate
    return None
