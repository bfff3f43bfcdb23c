"""SIGTERM and SIGINT stop a run promptly and leave nothing behind: no output, no temporary file beside the outputs,
no scratch file in the temporary folder (qgis_process on a mosaic big enough to take a while, and the engine's own
signal handling in isolation)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import PLUGINS, ROOT, data_file

QGIS_PROCESS = ROOT / "scripts" / "qgis_process"


def mosaic(chip: Path, path: Path, repeat: int = 8) -> Path:
    """A VRT repeating `chip` repeat x repeat times (band descriptions and units kept): a big raster for no disk."""
    from osgeo import gdal
    one = path.with_suffix(".one.vrt")
    gdal.Translate(str(one), str(chip), format="VRT")
    tree = ET.parse(one)
    root = tree.getroot()
    w, h = int(root.get("rasterXSize")), int(root.get("rasterYSize"))
    root.set("rasterXSize", str(w * repeat))
    root.set("rasterYSize", str(h * repeat))
    for band in root.findall("VRTRasterBand"):
        source = next(e for e in band if e.tag.endswith("Source"))
        band.remove(source)
        source.find("SourceFilename").text = str(chip)
        source.find("SourceFilename").set("relativeToVRT", "0")
        for i in range(repeat):
            for j in range(repeat):
                copy = ET.fromstring(ET.tostring(source))
                copy.find("DstRect").set("xOff", str(w * j))
                copy.find("DstRect").set("yOff", str(h * i))
                band.append(copy)
    tree.write(path)
    return path


def ours(folder: Path) -> list[Path]:
    """Files DeepMapper may have left in a folder (QGIS's own session files are not ours)."""
    return [p for p in folder.rglob("deepmapper-*")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_qgis_process_promptly_and_leaves_nothing(tmp_path, sig):
    big = mosaic(data_file("clouds/s2_cloud_chip.tif"), tmp_path / "big.vrt")
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp))
    log = (tmp_path / "log.txt").open("w")
    proc = subprocess.Popen([str(QGIS_PROCESS), "run", "deepmapper:cloudmask", "--", f"INPUT={big}",
                             "SENSOR=sentinel2_l1c", f"OUTPUT={out / 'mask.tif'}",
                             f"OUTPUT_PROBABILITY={out / 'mask_prob.tif'}"], stdout=log, stderr=subprocess.STDOUT,
                            env=env)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob(".mask.*")):  # inference has started: the outputs' hidden temporary files exist
            assert proc.poll() is None, (tmp_path / "log.txt").read_text()
            assert time.monotonic() < deadline, "the run never reached inference"
            time.sleep(0.2)
        time.sleep(1.0)
        assert proc.poll() is None, "the run ended before the signal: make the mosaic bigger"
        sent = time.monotonic()
        proc.send_signal(sig)
        proc.wait(timeout=20)
        stopped = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    text = (tmp_path / "log.txt").read_text()
    assert proc.returncode != 0, text
    assert stopped < 5, f"took {stopped:.1f} s to stop"
    assert "Cancelled" in text, text
    assert list(out.iterdir()) == []  # no output, no hidden temporary file beside it
    assert ours(tmp) == []


CHILD = """
import os, signal, sys, tempfile
sys.path.insert(0, {plugins!r})
from deepmapper.plugin.core.engine.progress import stop_on_signals
from deepmapper.plugin.core.engine.raster_io import scratch_path
path = scratch_path("probe")
open(path, "w").close()
with stop_on_signals():
    os.kill(os.getpid(), signal.{sig})  # the first signal only asks the run to cancel
    print("still running", flush=True)
    os.kill(os.getpid(), signal.{sig})  # the second stops the process, after removing registered files
    print("not reached", flush=True)
"""


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_a_second_signal_stops_at_once_and_removes_temporary_files(tmp_path, sig):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    res = subprocess.run([sys.executable, "-c", CHILD.format(plugins=str(PLUGINS), sig=sig)], capture_output=True,
                         text=True, env=env, timeout=60)
    assert res.returncode == -getattr(signal, sig), res.stderr
    assert res.stdout.strip() == "still running"
    assert list(tmp_path.glob("deepmapper-probe-*")) == []


def test_first_signal_cancels_at_the_next_check_and_handlers_come_back():
    from deepmapper.plugin.core.engine.errors import CancelledError
    from deepmapper.plugin.core.engine.progress import Monitor, stop_on_signals
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(CancelledError):
        with stop_on_signals():
            Monitor().check()  # nothing yet
            os.kill(os.getpid(), signal.SIGTERM)
            Monitor().report(0.5)
    assert signal.getsignal(signal.SIGTERM) == before
    Monitor().check()  # the request ended with the block


def test_scratch_files_go_to_the_temporary_folder(tmp_path, monkeypatch):
    import tempfile
    from deepmapper.plugin.core.engine.raster_io import scratch_path
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert Path(scratch_path("x")).parent == tmp_path
