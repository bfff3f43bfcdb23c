"""The plugin zip as a user installs it: unzipped into a fresh QGIS profile, loaded by QGIS from there (a child
process, so nothing is imported from the checkout), cloudmask run as the dialog runs it, the result in the project,
styled, named after its input and model, and the image still visible under it. Screenshots in tests/output."""
from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import rasterio
from rasterio.windows import Window

from conftest import ROOT, data_file

SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"


def package_files() -> list[str]:
    """The files `make package` puts in the zip: the Makefile's list, expanded like git archive does (tracked files,
    here also new files not ignored, so the working tree is tested before it is committed)."""
    recipe = re.search(r"git archive .*?HEAD \\\n\s*-- (.*?)\n\s*@echo", (ROOT / "Makefile").read_text(), re.S)
    paths = recipe.group(1).replace("\\\n", " ").split()
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *paths],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return sorted(p for p in set(listed) if (ROOT / p).is_file())


def build_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in package_files():
            zf.write(ROOT / rel, f"deepmapper/{rel}")
    return path


def fresh_profile(base: Path, plugin_zip: Path) -> Path:
    """profiles/default with the plugin unzipped into python/plugins and enabled in QGIS/QGIS3.ini."""
    profile = base / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(plugin_zip) as zf:
        zf.extractall(plugins)
    (profile / "QGIS").mkdir()
    (profile / "QGIS" / "QGIS3.ini").write_text("[PythonPlugins]\ndeepmapper=true\n")
    return profile


def crop(src: Path, dst: Path, window: Window) -> Path:
    with rasterio.open(src) as ds:
        profile = ds.profile | {"width": window.width, "height": window.height,
                                "transform": ds.window_transform(window)}
        with rasterio.open(dst, "w", **profile) as out:
            out.write(ds.read(window=window))
            out.descriptions = ds.descriptions
    return dst


def test_zip_installs_into_a_fresh_profile_and_cloudmask_runs_as_in_the_dialog(tmp_path):
    plugin_zip = build_zip(tmp_path / "deepmapper.zip")
    names = zipfile.ZipFile(plugin_zip).namelist()
    assert "deepmapper/metadata.txt" in names and "deepmapper/plugin/algorithms/styles.py" in names
    assert not any("/tests/" in n or "/.venv/" in n for n in names)
    profile = fresh_profile(tmp_path / "qgis", plugin_zip)
    chip = crop(data_file("clouds/s2_cloud_chip.tif"), tmp_path / "T15SWD_chip.tif", Window(0, 0, 256, 256))
    landcover = crop(data_file("landcover/aberystwyth_s2_10m.tif"), tmp_path / "aberystwyth_s2_10m.tif",
                     Window(200, 200, 384, 384))
    site = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c",
                           "import site; print(site.getsitepackages()[0])"],  # the venv's: NumPy < 2 etc.
                          capture_output=True, text=True, check=True).stdout.strip()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QGIS_CUSTOM_CONFIG_PATH")}
    env.update(PYTHONPATH=site, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run(["/usr/bin/python3", str(ROOT / "tests" / "plugin_zip_child.py"), str(profile), str(work), str(chip),
                           str(landcover), str(SCREENSHOTS)],
                          capture_output=True, text=True, env=env, timeout=560, cwd=tmp_path)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("FINDINGS ")), None)
    assert line, f"the child QGIS gave no findings (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n" \
                 f"{proc.stderr[-3000:]}"
    found = json.loads(line[len("FINDINGS "):])

    plugins = profile / "python" / "plugins"
    assert found["enabled"] and found["loaded"] and found["started"], found
    assert found["plugin_file"].startswith(str(plugins)), "the plugin came from the checkout, not the zip"
    assert found["cloudmask_ok"], proc.stderr[-3000:]
    assert "Cloud mask: T15SWD_chip (ukis_csmask_6b_l1c)" in found["layers"], found["layers"]
    assert "Cloud polygons: T15SWD_chip (ukis_csmask_6b_l1c)" in found["layers"], found["layers"]
    assert found["mask_renderer"] == "QgsPalettedRasterRenderer"
    assert found["mask_alpha"]["clear"] == 0 and found["mask_alpha"]["cloud"] > 0
    assert found["polygon_renderer"] == "QgsCategorizedSymbolRenderer"
    # The image stays visible: clear pixels look exactly as without the mask; cloud pixels are tinted, not painted
    # over (their texture shows through).
    assert found["clear_pixels_unchanged"] > 0.99, found
    assert found["cloud_pixels_changed"] > 0.5 and found["cloud_pixels_image_visible"] > 3.0, found
    assert found["segment_ok"] and "Land cover: aberystwyth_s2_10m (landcover_s2)" in found["layers"], found
    for name in ("cloudmask_3_all.png", "landcover_1_classes.png", "landcover_2_polygons.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000
