"""Bad-input matrix: every algorithm, every input parameter, each kind of bad input that applies to it.

Each case must be refused with a message that names the problem and the fix, no traceback in the log, no output left
behind and every input byte-identical afterwards (tests/badinputs.py: expect_refusal). Inputs are tiny synthetic
rasters and vectors (bad inputs need no real data), built once per session.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from osgeo import gdal

from badinputs import UTM32, box, digests, expect_refusal, huge_vrt, raster, vector, write_json

ROOT = Path(__file__).resolve().parents[1]
X0, Y0 = 500000.0, 5000000.0  # top-left of every synthetic raster (UTM 31N, 64 x 64 pixels)
PIX = 20.0  # 4-band rasters: 20 m (within the cloud models' 30 m and as the guide of 40 m bands for super-resolution)
INSIDE = box(X0 + 100, Y0 - 600, X0 + 600, Y0 - 100)
INSIDE2 = box(X0 + 680, Y0 - 1200, X0 + 1200, Y0 - 680)
FAR = box(X0 + 1e5, Y0 - 1e5 + 200, X0 + 1e5 + 200, Y0 - 1e5)


@pytest.fixture(autouse=True, scope="module")
def pam_on(qgis_app):
    """GDAL's PAM as in desktop QGIS (conftest turns it off to protect ../shared/data): the matrix checks that no
    .aux.xml appears beside its own inputs, so the plugin's own guard (checks.no_sidecars) is what keeps them away."""
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "YES")
    yield
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")


@pytest.fixture(scope="session")
def bad(tmp_path_factory, qgis_app):
    """Every input of the matrix, in one folder whose files are hashed before and after each case."""
    d = tmp_path_factory.mktemp("bad_inputs")
    b = SimpleNamespace(folder=d)
    b.s2 = raster(d / "s2_4band.tif", 4, pixel=PIX)  # B2, B3, B4, B8 (Sentinel-2 with 4 bands), DN
    b.pan = raster(d / "pan.tif", 1, pixel=0.5)
    b.low = raster(d / "s2_40m.tif", 6, (32, 32), pixel=2 * PIX)
    b.classes = raster(d / "classes.tif", 1, dtype=gdal.GDT_Byte, fill=1, pixel=PIX)
    b.two_band = raster(d / "two_band.tif", 2, pixel=PIX)
    b.text = d / "notes.txt"
    b.text.write_text("this is not a raster nor a vector\n")
    b.empty = d / "empty.tif"
    b.empty.write_bytes(b"")
    b.empty_gpkg = d / "empty_file.gpkg"
    b.empty_gpkg.write_bytes(b"")
    b.no_crs = raster(d / "no_crs.tif", 4, epsg=None, pixel=PIX)
    b.pan_no_crs = raster(d / "pan_no_crs.tif", 1, epsg=None, pixel=0.5)
    b.byte_units = raster(d / "byte_units.tif", 4, dtype=gdal.GDT_Byte, fill=10, pixel=PIX)  # 10: no unit fits
    b.utm32 = raster(d / "utm32_40m.tif", 6, (32, 32), pixel=2 * PIX, epsg=UTM32)
    b.far_low = raster(d / "far_40m.tif", 6, (32, 32), pixel=2 * PIX, origin=(X0 + 1e5, Y0 - 1e5))
    b.all_nodata = raster(d / "all_nodata.tif", 4, fill=0, nodata=0, pixel=PIX)
    b.pan_nodata = raster(d / "pan_nodata.tif", 1, fill=0, nodata=0, pixel=0.5)
    b.classes_nodata = raster(d / "classes_nodata.tif", 1, dtype=gdal.GDT_Byte, fill=255, nodata=255,
                              pixel=PIX)
    b.one = raster(d / "one_pixel.tif", 4, (1, 1), pixel=PIX)
    b.pan_one = raster(d / "pan_one_pixel.tif", 1, (1, 1), pixel=0.5)
    b.complex = raster(d / "complex.tif", 4, dtype=gdal.GDT_CFloat32, pixel=PIX)
    b.pan_complex = raster(d / "pan_cint16.tif", 1, dtype=gdal.GDT_CInt16, pixel=0.5)
    b.huge = huge_vrt(d / "huge.vrt", b.s2, bands=4)
    b.pan_huge = huge_vrt(d / "pan_huge.vrt", b.pan, bands=1)
    b.classes_huge = huge_vrt(d / "classes_huge.vrt", b.classes, bands=1)
    b.labels = vector(d / "labels.gpkg", [(INSIDE, {"class": "a"}), (INSIDE2, {"class": "b"}),
                                          (box(X0 + 680, Y0 - 600, X0 + 1200, Y0 - 100), {"class": "a"}),
                                          (box(X0 + 100, Y0 - 1200, X0 + 600, Y0 - 680), {"class": "b"})])
    b.labels_far = vector(d / "labels_far.gpkg", [(FAR, {"class": "a"})])
    b.labels_empty = vector(d / "labels_empty.gpkg", [], fields={"class": 4})  # 4 = ogr.OFTString
    b.labels_nofield = vector(d / "labels_nofield.gpkg", [(INSIDE, {"kind": "a"})])
    b.file_as_folder = d / "a_file"
    b.file_as_folder.write_text("a file, not a folder")
    _bad_models(d, b)
    b.dataset = _dataset(d, b)
    b.not_dataset = d / "not_a_dataset"
    b.not_dataset.mkdir()
    (b.not_dataset / "readme.txt").write_text("no dataset.json here")
    return b


def _bad_models(d: Path, b) -> None:
    """Cards that must be refused: against the schema, weights whose SHA-256 differs, an 'ONNX' file that is text,
    a truncated torch state dict."""
    from deepmapper.models.registry import sha256_of
    good = json.loads((ROOT / "models" / "cards" / "buildings.json").read_text())
    good["weights"] = str(ROOT / "models" / "weights" / "buildings.pt")
    b.card_schema = write_json(d / "card_schema.json", {**good, "id": "bad_schema", "task": 42, "colour": "red"})
    b.card_sha = {}  # per task: a card of that task whose weights do not match its SHA-256
    for task, card_id in (("cloudmask", "ukis_csmask_4b_l1c"), ("segment", "buildings"),
                          ("superres", "s2_superres_guided")):
        card = json.loads((ROOT / "models" / "cards" / f"{card_id}.json").read_text())
        if not card["weights"].startswith("package:"):
            card["weights"] = str((ROOT / "models" / "cards" / card["weights"]).resolve())
        b.card_sha[task] = write_json(d / f"card_sha_{task}.json", {**card, "id": f"bad_sha_{task}",
                                                                    "sha256": "0" * 64})
    not_onnx = d / "not_onnx.onnx"
    not_onnx.write_text("not an ONNX model")
    onnx_card = json.loads((ROOT / "models" / "cards" / "ukis_csmask_4b_l1c.json").read_text())
    b.card_not_onnx = write_json(d / "card_not_onnx.json", {**onnx_card, "id": "not_onnx", "weights": not_onnx.name,
                                                            "sha256": sha256_of(not_onnx)})
    truncated = d / "truncated.pt"
    truncated.write_bytes((ROOT / "models" / "weights" / "buildings.pt").read_bytes()[:5000])
    b.card_truncated = write_json(d / "card_truncated.json", {**good, "id": "truncated", "weights": truncated.name,
                                                              "sha256": sha256_of(truncated)})
    b.card_not_json = d / "card_not_json.json"
    b.card_not_json.write_text("{ this is not JSON")


def _dataset(d: Path, b) -> Path:
    """A small patch dataset of the 4-band raster and the two label polygons."""
    import processing
    out = d / "dataset"
    processing.run("deepmapper:extractpatches", {
        "INPUT": str(b.s2), "LABELS": str(b.labels), "CLASS_FIELD": "class", "PATCH_SIZE": 16, "MAX_PATCHES": 8,
        "BLOCK_SIZE": 16, "VALIDATION_FRACTION": 0.3, "SENSOR": "sentinel2_l1c", "OUTPUT": str(out)})
    return out


# -- the algorithms' valid parameters; each case changes some of them -------------------------------------------------
def base(alg: str, b, out: Path) -> dict:
    return {
        "cloudmask": {"INPUT": str(b.s2), "SENSOR": "sentinel2_l1c", "OUTPUT": str(out / "mask.tif")},
        "segment": {"INPUT": str(b.pan), "MODEL": "buildings", "OUTPUT": str(out / "classes.tif")},
        "superresolve": {"INPUT": str(b.s2), "INPUT_LOWRES": str(b.low), "OUTPUT": str(out / "sharp.tif")},
        "validatesuperres": {"INPUT": str(b.s2), "INPUT_LOWRES": str(b.low), "OUTPUT_HTML": str(out / "wald.html")},
        "assessaccuracy": {"PREDICTION": str(b.classes), "REFERENCE": str(b.labels), "CLASS_FIELD": "class",
                           "MAPPING": "a=1,b=1", "OUTPUT_HTML": str(out / "report.html"), "OUTPUT_TABLE": "TEMPORARY_OUTPUT"},
        "extractpatches": {"INPUT": str(b.s2), "LABELS": str(b.labels), "CLASS_FIELD": "class", "PATCH_SIZE": 16,
                           "MAX_PATCHES": 8, "SENSOR": "sentinel2_l1c", "OUTPUT": str(out / "patches")},
        "trainmodel": {"DATASET": str(b.dataset), "EPOCHS": 1, "WIDTH": 4, "DEPTH": 1,
                       "OUTPUT_MODEL": str(out / "model.json")},
        "pretrainmodel": {"INPUT": [str(b.s2)], "PATCH_SIZE": 16, "PATCHES": 8, "EPOCHS": 1, "WIDTH": 4, "DEPTH": 1,
                          "SENSOR": "sentinel2_l1c", "OUTPUT_MODEL": str(out / "model.json")},
    }[alg]


OUTPUTS = {  # the file outputs of each algorithm (names in base())
    "cloudmask": ["OUTPUT"], "segment": ["OUTPUT"], "superresolve": ["OUTPUT"], "validatesuperres": ["OUTPUT_HTML"],
    "assessaccuracy": ["OUTPUT_HTML"], "extractpatches": ["OUTPUT"], "trainmodel": ["OUTPUT_MODEL"],
    "pretrainmodel": ["OUTPUT_MODEL"],
}
RASTER_INPUTS = {  # raster parameter -> (bad-input attribute suffix: '' for the multi-band input, 'pan_' for 1 band)
    "cloudmask": {"INPUT": ""}, "segment": {"INPUT": "pan_"}, "superresolve": {"INPUT": "", "INPUT_LOWRES": ""},
    "validatesuperres": {"INPUT": "", "INPUT_LOWRES": ""}, "assessaccuracy": {"PREDICTION": "classes_"},
    "extractpatches": {"INPUT": ""}, "pretrainmodel": {"INPUT": ""},
}
MODEL_PARAMS = {"cloudmask": "MODEL", "segment": "MODEL", "superresolve": "MODEL", "validatesuperres": "MODEL",
                "trainmodel": "INIT_MODEL"}
DEVICE_ALGS = ["cloudmask", "segment", "superresolve", "validatesuperres", "trainmodel", "pretrainmodel"]
VECTOR_INPUTS = {"assessaccuracy": "REFERENCE", "extractpatches": "LABELS"}

ACCEPTED_ONE_PIXEL = ("cloudmask", "segment")  # tiles are padded: a 1 x 1 image gives a 1 x 1 class raster
NOT_RASTER = "(not|cannot|could not).*(raster|read|GDAL)|not a raster|empty"


def _cases():
    """(id, algorithm, function (b, out) -> parameter changes, problem regex, options)."""
    cases = []

    def add(alg, name, change, problem, **opts):
        cases.append(pytest.param(alg, change, problem, opts, id=f"{alg}-{name}"))

    for alg, rasters in RASTER_INPUTS.items():
        for param, kind in rasters.items():
            def value(b, attr, param=param, alg=alg):
                v = str(getattr(b, attr))
                return [v] if param == "INPUT" and alg == "pretrainmodel" else v
            add(alg, f"{param}-text-file", lambda b, o, p=param, v=value: {p: v(b, "text")}, NOT_RASTER)
            add(alg, f"{param}-empty-file", lambda b, o, p=param, v=value: {p: v(b, "empty")}, NOT_RASTER)
            suffix = "" if kind == "" else kind
            low = alg.endswith("superres") or alg == "superresolve"
            if not low or param == "INPUT":
                nodata_attr = {"": "all_nodata", "pan_": "pan_nodata", "classes_": "classes_nodata"}[kind]
                add(alg, f"{param}-all-nodata", lambda b, o, p=param, v=value, a=nodata_attr: {p: v(b, a)},
                    "nodata|no valid|valid pixels")
                add(alg, f"{param}-complex", lambda b, o, p=param, v=value, a=f"{suffix}complex" if kind != "classes_"
                    else "complex": {p: v(b, a)}, "complex|non-integer")
            if kind != "classes_" and not low and alg not in ACCEPTED_ONE_PIXEL:
                add(alg, f"{param}-one-pixel", lambda b, o, p=param, v=value, a=f"{suffix}one": {p: v(b, a)},
                    "pixel|small")
    # wrong band count
    add("cloudmask", "INPUT-two-bands", lambda b, o: {"INPUT": str(b.two_band)}, "band")
    add("segment", "INPUT-two-bands", lambda b, o: {"INPUT": str(b.two_band)}, "band")
    add("superresolve", "INPUT_LOWRES-two-bands", lambda b, o: {"INPUT_LOWRES": str(b.two_band)}, "band|grid|pixel")
    add("assessaccuracy", "PREDICTION-band-5", lambda b, o: {"BAND": 5}, "band")
    # an integer raster whose values are neither reflectance 0..1 nor reflectance x 10000 (issue 12)
    add("cloudmask", "INPUT-byte-units", lambda b, o: {"INPUT": str(b.byte_units)}, "units.*99th percentile is 10\\b")
    # CRS and overlap between inputs
    add("superresolve", "INPUT-no-crs", lambda b, o: {"INPUT": str(b.no_crs)}, "CRS|coordinate")
    add("superresolve", "CRS-differ", lambda b, o: {"INPUT_LOWRES": str(b.utm32)}, "CRS")
    add("superresolve", "no-overlap", lambda b, o: {"INPUT_LOWRES": str(b.far_low)}, "overlap|grid|align|extent")
    add("validatesuperres", "CRS-differ", lambda b, o: {"INPUT_LOWRES": str(b.utm32)}, "CRS")
    add("assessaccuracy", "no-overlap", lambda b, o: {"REFERENCE": str(b.labels_far)}, "overlap|outside|no .*pixel")
    add("extractpatches", "no-overlap", lambda b, o: {"LABELS": str(b.labels_far)}, "overlap|outside|no .*pixel")
    # vectors
    for alg, param in VECTOR_INPUTS.items():
        add(alg, f"{param}-text-file", lambda b, o, p=param: {p: str(b.text)}, "vector")
        add(alg, f"{param}-empty-file", lambda b, o, p=param: {p: str(b.empty_gpkg)}, "vector")
        add(alg, f"{param}-no-features", lambda b, o, p=param: {p: str(b.labels_empty)}, "no feature|empty|no label")
        add(alg, f"{param}-missing-class-field", lambda b, o, p=param: {p: str(b.labels_nofield)}, "field")
    # huge rasters: stream (cancel at the first progress) or refuse; the bound only guards against a run that tries
    # to process the whole 200000 x 200000 raster (hours), it is not a speed measurement (busy CI machines vary 4x)
    add("cloudmask", "INPUT-huge-vrt", lambda b, o: {"INPUT": str(b.huge)}, "cancel|too large|memory|disk space",
        cancel=True, max_seconds=180)
    add("segment", "INPUT-huge-vrt", lambda b, o: {"INPUT": str(b.pan_huge)}, "cancel|too large|memory|disk space",
        cancel=True, max_seconds=180)
    add("superresolve", "INPUT-huge-vrt", lambda b, o: {"INPUT": str(b.huge), "INPUT_LOWRES": "", "SCALE": True},
        "cancel|too large|memory|disk space", cancel=True, max_seconds=180)
    add("validatesuperres", "INPUT-huge-vrt", lambda b, o: {"INPUT": str(b.huge), "INPUT_LOWRES": "", "SCALE": True},
        "cancel|too large|memory|disk space", cancel=True, max_seconds=180)
    add("assessaccuracy", "PREDICTION-huge-vrt", lambda b, o: {"PREDICTION": str(b.classes_huge)},
        "cancel|too large|memory|disk space", cancel=True, max_seconds=180)
    add("extractpatches", "INPUT-huge-vrt", lambda b, o: {"INPUT": str(b.huge)}, "cancel|too large|memory|disk space",
        cancel=True, max_seconds=180)
    add("pretrainmodel", "INPUT-huge-vrt", lambda b, o: {"INPUT": [str(b.huge)]}, "cancel|too large|memory|disk space",
        cancel=True, max_seconds=180)
    # models
    for alg, param in MODEL_PARAMS.items():
        add(alg, f"{param}-unknown-id", lambda b, o, p=param: {p: "no_such_model"}, "unknown model")
        add(alg, f"{param}-not-json", lambda b, o, p=param: {p: str(b.card_not_json)}, "JSON")
        add(alg, f"{param}-schema", lambda b, o, p=param: {p: str(b.card_schema)}, "field")
        task = {"cloudmask": "cloudmask", "trainmodel": "segment"}.get(alg, "superres" if "superres" in alg else alg)
        add(alg, f"{param}-sha256", lambda b, o, p=param, t=task: {p: str(b.card_sha[t])}, "SHA-256")
        add(alg, f"{param}-truncated-pt", lambda b, o, p=param: {p: str(b.card_truncated)}, "corrupt|truncated|read")
    add("cloudmask", "MODEL-not-onnx", lambda b, o: {"MODEL": str(b.card_not_onnx)}, "ONNX")
    # the device
    for alg in DEVICE_ALGS:
        add(alg, "DEVICE-cuda", lambda b, o: {"DEVICE": "cuda"}, "cuda")
    # trainmodel's dataset
    add("trainmodel", "DATASET-not-a-dataset", lambda b, o: {"DATASET": str(b.not_dataset)}, "not a patch dataset")
    add("trainmodel", "DATASET-missing", lambda b, o: {"DATASET": str(b.folder / "nowhere")}, "not|exist")
    # outputs
    for alg, names in OUTPUTS.items():
        for name in names:
            add(alg, f"{name}-missing-folder", lambda b, o, n=name, a=alg: {n: str(o / "missing" / _leaf(a, n))},
                "folder|directory")
            add(alg, f"{name}-file-as-folder", lambda b, o, n=name, a=alg: {
                n: str(b.file_as_folder / _leaf(a, n))}, "folder|directory")
            if alg not in ("trainmodel",):
                add(alg, f"{name}-is-input", lambda b, o, n=name, a=alg: {n: _an_input(a, b)}, "input")
    return cases


def _leaf(alg: str, name: str) -> str:
    return {"OUTPUT_HTML": "report.html", "OUTPUT_MODEL": "model.json"}.get(name, "patches" if alg == "extractpatches"
                                                                           else "out.tif")


def _an_input(alg: str, b) -> str:
    return str({"assessaccuracy": b.classes, "segment": b.pan}.get(alg, b.s2))


@pytest.mark.parametrize("alg,change,problem,opts", _cases())
def test_refused(bad, tmp_path, alg, change, problem, opts):
    params = base(alg, bad, tmp_path)
    params.update(change(bad, tmp_path))
    params = {k: v for k, v in params.items() if v != ""}
    outputs = [Path(params[n]) for n in OUTPUTS[alg] if isinstance(params.get(n), str)
               and not str(params[n]).startswith(str(bad.folder))]
    expect_refusal(f"deepmapper:{alg}", params, [bad.folder], outputs, problem,
                   cancel_after_progress=opts.get("cancel", False), max_seconds=opts.get("max_seconds", 60),
                   watch=[tmp_path])


@pytest.mark.parametrize("alg", list(OUTPUTS))
def test_base_parameters_run(bad, tmp_path, alg):
    """The matrix's starting point is a valid run: each refusal above is caused by its one bad input alone."""
    import processing
    params = base(alg, bad, tmp_path)
    before = digests([bad.folder])
    processing.run(f"deepmapper:{alg}", params)
    for name in OUTPUTS[alg]:
        assert Path(params[name]).exists()
    assert digests([bad.folder]) == before, "a valid run changed its inputs or wrote sidecars beside them"


@pytest.mark.parametrize("alg", ACCEPTED_ONE_PIXEL)
def test_one_pixel_is_classified(bad, tmp_path, alg):
    """Not a bad input for tiled classification: the tile is padded by mirroring, the output is 1 x 1."""
    import processing
    params = base(alg, bad, tmp_path)
    params["INPUT"] = str(bad.one if alg == "cloudmask" else bad.pan_one)
    before = digests([bad.folder])
    processing.run(f"deepmapper:{alg}", params)
    ds = gdal.Open(params["OUTPUT"])
    assert (ds.RasterXSize, ds.RasterYSize) == (1, 1)
    assert digests([bad.folder]) == before


@pytest.mark.parametrize("alg,param,classes", [("assessaccuracy", "PREDICTION", True),
                                               ("extractpatches", "INPUT", False)])
def test_raster_without_crs_takes_the_vector_coordinates_with_a_note(bad, tmp_path, alg, param, classes):
    """A raster without a CRS is not refused where a vector meets it: the vector's coordinates are taken as the
    raster's (documented in assessaccuracy), and the log says so."""
    import processing
    from badinputs import feedback_with_log
    no_crs = raster(tmp_path / "no_crs.tif", 1 if classes else 4, dtype=gdal.GDT_Byte if classes else gdal.GDT_UInt16,
                    epsg=None, pixel=PIX, fill=1 if classes else None)
    params = base(alg, bad, tmp_path)
    params[param] = str(no_crs)
    feedback = feedback_with_log()
    processing.run(f"deepmapper:{alg}", params, feedback=feedback)
    assert "no CRS" in feedback.log.text()


QGIS_PROCESS_CASES = [  # (algorithm, changes, what the message must name), through the real command line
    pytest.param("cloudmask", lambda b, o: {"INPUT": str(b.text)}, "not a raster", id="cloudmask-text-file"),
    pytest.param("segment", lambda b, o: {"DEVICE": "cuda"}, "cuda", id="segment-cuda"),
    pytest.param("assessaccuracy", lambda b, o: {"OUTPUT_HTML": str(o / "missing" / "report.html")},
                 "does not exist", id="assessaccuracy-missing-folder"),
]


@pytest.mark.parametrize("alg,change,problem", QGIS_PROCESS_CASES)
def test_refused_by_qgis_process(bad, tmp_path, alg, change, problem):
    """The same refusals through scripts/qgis_process: non-zero exit, the message, no traceback, nothing written."""
    params = {**base(alg, bad, tmp_path), **change(bad, tmp_path)}
    params.pop("OUTPUT_TABLE", None)
    before = digests([bad.folder])
    args = [str(ROOT / "scripts" / "qgis_process"), "run", f"deepmapper:{alg}", "--"]
    args += [f"{k}={v}" for k, v in params.items()]
    run = subprocess.run(args, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    said = run.stdout + run.stderr
    assert run.returncode != 0, said
    assert problem.lower() in said.lower(), said
    assert "Traceback" not in said, said
    assert os.listdir(tmp_path) == [], os.listdir(tmp_path)
    assert digests([bad.folder]) == before



# -- data types (issue 12): every GDAL integer and float type is read, its units detected, the output valid ----------
TYPES = ["Byte", "Int16", "UInt16", "Int32", "UInt32", "Float32", "Float64"] + (
    ["Int64", "UInt64"] if hasattr(gdal, "GDT_Int64") else [])  # GDAL >= 3.5
CLASS_IDS = {"cloudmask": {0, 1, 2}, "segment": {0, 1}}  # of the class raster; 255 is its nodata


def _typed_values(alg: str, kind: str, bands: int) -> np.ndarray:
    """(bands, 64, 64) values a real image could hold in `kind`: DN 1000..3000 (reflectance x 10000) in integer
    types, DN / 40 in Byte; in float types reflectance 0.1..0.3 for cloudmask (a reflectance model) and the same DN
    for segment (the buildings model takes DN as they are)."""
    dn = 1000 + 2000 * np.random.default_rng(0).random((bands, 64, 64))
    if kind == "Byte":
        return np.round(dn / 40.0)
    if kind.startswith("Float"):
        return dn / 10000.0 if alg == "cloudmask" else dn
    return np.round(dn)


@pytest.fixture(scope="session")
def typed(tmp_path_factory, qgis_app):
    """The 4-band scene, the panchromatic image and the class raster (all 1) in every data type of TYPES."""
    d = tmp_path_factory.mktemp("typed")
    t = SimpleNamespace(folder=d, runs=tmp_path_factory.mktemp("typed_runs"), reference={})
    for kind in TYPES:
        dtype = gdal.GetDataTypeByName(kind)
        for alg, bands, pixel in (("cloudmask", 4, PIX), ("segment", 1, 0.5)):
            path = raster(d / f"{alg}_{kind}.tif", bands, dtype=dtype, pixel=pixel, fill=0)
            ds = gdal.Open(str(path), gdal.GA_Update)
            for b, values in enumerate(_typed_values(alg, kind, bands), start=1):
                ds.GetRasterBand(b).WriteArray(values)
            ds = None
            setattr(t, f"{alg}_{kind}", path)
        setattr(t, f"assessaccuracy_{kind}", raster(d / f"classes_{kind}.tif", 1, dtype=dtype, fill=1, pixel=PIX))
    return t


def _run_typed(bad, typed, out: Path, alg: str, kind: str) -> tuple[dict, dict, str]:
    """Run `alg` on the `kind` raster; (parameters, results, log). A refusal fails the test with its message,
    which must name the data type (none is refused today: every type of TYPES is read)."""
    import processing
    from qgis.core import QgsProcessingException
    from badinputs import feedback_with_log
    params = base(alg, bad, out)
    params["PREDICTION" if alg == "assessaccuracy" else "INPUT"] = str(getattr(typed, f"{alg}_{kind}"))
    if alg != "assessaccuracy":
        params["OUTPUT_PROBABILITY"] = str(out / "probability.tif")
    feedback = feedback_with_log()
    try:
        results = processing.run(f"deepmapper:{alg}", params, feedback=feedback)
    except QgsProcessingException as exc:
        pytest.fail(f"{alg} refused a {kind} raster (message names the type: {kind.lower() in str(exc).lower()}): "
                    f"{exc}\n{feedback.log.text()}")
    log = feedback.log.text()
    assert "Traceback" not in log and 'File "' not in log, log
    return params, results, log


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("alg", list(CLASS_IDS))
def test_data_type_is_read(bad, typed, tmp_path, alg, kind):
    """cloudmask and segment run on the same image stored in every data type: a valid class raster (the model's
    ids, 255 nodata), the units detected as the type's values say, and for every type that holds the image's values
    exactly (all but Byte) the same probabilities as UInt16 (the reader converts, it does not clip or wrap)."""
    before = digests([typed.folder, bad.folder])
    params, _results, log = _run_typed(bad, typed, tmp_path, alg, kind)
    ds = gdal.Open(params["OUTPUT"])
    assert (ds.RasterXSize, ds.RasterYSize) == (64, 64)
    band = ds.GetRasterBand(1)
    assert band.GetNoDataValue() == 255
    assert set(np.unique(band.ReadAsArray()).tolist()) <= CLASS_IDS[alg] | {255}
    if alg == "cloudmask":
        units = "reflectance 0..1" if kind.startswith("Float") else "digital numbers"
        assert f"Units: values are {units}" in log, log
    if kind != "Byte":
        if alg not in typed.reference:  # the UInt16 run, once per session (in a folder no digest covers)
            out = typed.runs / alg
            out.mkdir()
            typed.reference[alg] = _run_typed(bad, typed, out, alg, "UInt16")[0]["OUTPUT_PROBABILITY"]
        got, want = (gdal.Open(p).ReadAsArray() for p in (params["OUTPUT_PROBABILITY"], typed.reference[alg]))
        np.testing.assert_allclose(got, want, atol=2e-4)  # float rounding: 6e-5; Byte (DN / 40): 0.02
    assert digests([typed.folder, bad.folder]) == before


@pytest.mark.parametrize("kind", TYPES)
def test_data_type_prediction_is_read(bad, typed, tmp_path, kind):
    """assessaccuracy reads a class raster of every data type: class 1 everywhere scores 1.0 over the same pixels."""
    before = digests([typed.folder, bad.folder])
    _params, results, _log = _run_typed(bad, typed, tmp_path, "assessaccuracy", kind)
    assert results["OVERALL_ACCURACY"] == 1.0
    assert results["ASSESSED_PIXELS"] == 2601  # the four label squares' pixels, as with Byte
    assert Path(results["OUTPUT_HTML"]).exists()
    assert digests([typed.folder, bad.folder]) == before


@pytest.mark.parametrize("alg", list(CLASS_IDS))
def test_raster_without_crs_is_classified_with_a_note(bad, tmp_path, alg):
    """No CRS is no bad input for classification (the grid is arbitrary): the run goes on, the log says the
    resolution could not be checked, and the class raster has no CRS either."""
    import processing
    from badinputs import feedback_with_log
    params = base(alg, bad, tmp_path)
    params["INPUT"] = str(bad.no_crs if alg == "cloudmask" else bad.pan_no_crs)
    before = digests([bad.folder])
    feedback = feedback_with_log()
    processing.run(f"deepmapper:{alg}", params, feedback=feedback)
    assert "has no CRS" in feedback.log.text(), feedback.log.text()
    ds = gdal.Open(params["OUTPUT"])
    assert not ds.GetProjection()
    assert set(np.unique(ds.GetRasterBand(1).ReadAsArray()).tolist()) <= CLASS_IDS[alg] | {255}
    assert digests([bad.folder]) == before
