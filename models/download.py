"""Downloading model weights: SHA-256 checked, resumable, with progress and a clear message when offline.

    path = download(card.data["weights_url"], download_target(card), card.sha256, monitor)

The bytes go to `<target>.part` and are renamed to the target only when their SHA-256 matches, so a failed or
cancelled download never leaves a file that looks installed. A `.part` left by an earlier try is continued: over
HTTP(S) with a Range request (a server that ignores it sends everything again, and the part is restarted), for
file:// URLs by seeking. Plain urllib, no QGIS: the model manager runs this in a QgsTask, tests use file:// URLs.
"""
from __future__ import annotations

import hashlib
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import BinaryIO

from ..plugin.core.engine.errors import CancelledError, DeepMapperError
from ..plugin.core.engine.messages import _
from ..plugin.core.engine.progress import Monitor

CHUNK = 1 << 16


def download(url: str, target: str | os.PathLike, sha256: str, monitor: Monitor | None = None,
             timeout: float = 30.0) -> Path:
    """Download `url` to `target` and return it; raises DeepMapperError (offline, HTTP error, SHA-256 mismatch: the
    partial file is removed on a mismatch and kept otherwise, for a later resume) or CancelledError."""
    monitor = monitor or Monitor()
    target = Path(target)
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    offset = part.stat().st_size if part.exists() else 0
    stream, total, resumed = _open(url, offset, timeout)
    if offset and resumed:
        monitor.log(_("Resuming the download of {url} at {offset} bytes.").format(url=url, offset=offset))
    elif offset:
        monitor.log(_("The server of {url} cannot resume; downloading it again from the start.").format(url=url))
        offset = 0
    digest = hashlib.sha256()
    if offset:
        with open(part, "rb") as done:
            for block in iter(lambda: done.read(1 << 20), b""):
                digest.update(block)
    done_bytes = offset
    with stream, open(part, "ab" if offset else "wb") as out:
        while True:
            if monitor.is_cancelled():
                raise CancelledError(_("Download cancelled; {done_bytes} bytes are kept in {part} and the next "
                                     "download resumes from there.").format(done_bytes=done_bytes, part=part))
            try:
                block = stream.read(CHUNK)
            except (OSError, socket.timeout) as exc:
                raise DeepMapperError(_("The download of {url} stopped after {done_bytes} bytes ({exc}). "
                                      "Download again to resume it.").format(
                    url=url, done_bytes=done_bytes, exc=exc)) from exc
            if not block:
                break
            out.write(block)
            digest.update(block)
            done_bytes += len(block)
            if total:
                monitor.progress(min(1.0, done_bytes / total))
    found = digest.hexdigest()
    if found != sha256.lower():
        part.unlink(missing_ok=True)
        raise DeepMapperError(
            _("The file downloaded from {url} does not match the SHA-256 of the model card (expected "
            "{sha256}..., got {found}...); it was deleted. The URL may serve another version of the "
            "weights: ask the model's provider for the right URL or card.").format(
                url=url, sha256=sha256[:12], found=found[:12]))
    os.replace(part, target)
    monitor.progress(1.0)
    return target


def _open(url: str, offset: int, timeout: float) -> tuple[BinaryIO, int | None, bool]:
    """(stream from `offset` if resumed else from 0, total size or None, resumed)."""
    parts = urllib.parse.urlparse(url)
    if parts.scheme == "file":
        path = Path(urllib.request.url2pathname(parts.path))
        try:
            stream = open(path, "rb")
        except OSError as exc:
            raise DeepMapperError(_("Cannot read {url}: {problem}. Check the card's weights_url.").format(
                url=url, problem=exc.strerror or exc)) from exc
        size = path.stat().st_size
        resumed = 0 < offset <= size
        stream.seek(offset if resumed else 0)
        return stream, size, resumed
    if parts.scheme not in ("http", "https"):
        raise DeepMapperError(_("Cannot download '{url}': only http, https and file URLs are supported.").format(
            url=url))
    request = urllib.request.Request(url, headers={"User-Agent": "DeepMapper"})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (scheme checked above)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:  # the part is already complete (or longer than the file): start again
            return _open(url, 0, timeout)
        raise DeepMapperError(_("The server refused the download of {url}: HTTP {code} {http_reason}. The "
                              "weights may have moved: check the card's weights_url.").format(
            url=url, code=exc.code, http_reason=exc.reason)) from exc
    except (urllib.error.URLError, socket.timeout, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeepMapperError(_("Cannot reach {host} to download the model ({reason}). The computer seems "
                              "offline, or a proxy or firewall blocks it: connect to the internet (QGIS proxy "
                              "settings: Settings > Options > Network) and try again; a partial download is kept "
                              "and resumes.").format(host=parts.netloc, reason=reason)) from exc
    resumed = offset > 0 and response.status == 206
    length = response.headers.get("Content-Length")
    total = int(length) + (offset if resumed else 0) if length and length.isdigit() else None
    return response, total, resumed
