"""The dependency installer: the interpreter finder, pip's commands and failures, the dialog driven offscreen with a
fake pip (offline and success), the once-per-session offer, and canExecute naming exactly the missing packages."""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_without_runtimes

SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"

FAKE_PIP = r'''
import json, os, sys
mode, args = sys.argv[1], sys.argv[2:]
target = args[args.index("--target") + 1]
constraints = args[args.index("--constraint") + 1] if "--constraint" in args else None
skip = {"--target", "--constraint", "--progress-bar"}
reqs, i = [], 1
while i < len(args):
    if args[i] in skip:
        i += 2
        continue
    if not args[i].startswith("-"):
        reqs.append(args[i])
    i += 1
with open(os.path.join(os.path.dirname(target), "calls.jsonl"), "a") as log:
    log.write(json.dumps({"args": args, "reqs": reqs,
                          "constraints": open(constraints).read() if constraints else None}) + "\n")
for req in reqs:
    print("Collecting " + req, flush=True)
if mode == "offline":
    print("WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection "
          "broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f>: Failed to "
          "establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/onnxruntime/")
    print("ERROR: Could not find a version that satisfies the requirement onnxruntime==1.31.1 (from versions: none)")
    print("ERROR: No matching distribution found for onnxruntime==1.31.1")
    sys.exit(1)
if mode == "nowheel":
    print("ERROR: Could not find a version that satisfies the requirement onnxruntime==1.31.1 (from versions: 1.16.0)")
    print("ERROR: No matching distribution found for onnxruntime==1.31.1")
    sys.exit(1)
names = []
for req in reqs:
    name, _, version = req.replace("===", "==").partition("==")
    module = {"scikit-learn": "sklearn"}.get(name, name.replace("-", "_"))  # as the real wheels lay them out
    os.makedirs(os.path.join(target, module), exist_ok=True)
    open(os.path.join(target, module, "__init__.py"), "w").close()
    os.makedirs(os.path.join(target, f"{name.replace('-', '_')}-{version or '0'}.dist-info"), exist_ok=True)
    names.append(f"{name}-{version}")
if "--no-deps" not in args:  # a dependency pulled NumPy in: the installer must remove it
    os.makedirs(os.path.join(target, "numpy"), exist_ok=True)
    os.makedirs(os.path.join(target, "numpy-1.24.2.dist-info"), exist_ok=True)
print("Installing collected packages: " + ", ".join(reqs), flush=True)
print("Successfully installed " + " ".join(names), flush=True)
'''


def fake_probe(target: Path):
    """What is installed, as the dialog would see it if only `target` held packages (the venv has them all)."""
    def probe(module: str):
        if not (target / module).is_dir():
            return None
        from deepmapper.plugin.dependencies import distribution
        dist = distribution(module).replace("-", "_")  # metadata is named after the distribution (scikit_learn)
        info = sorted(target.glob(f"{dist}-*.dist-info"))
        return info[0].name[len(dist) + 1:-len(".dist-info")] if info else ""
    return probe


@pytest.fixture
def fake_pip(tmp_path):
    script = tmp_path / "fake_pip.py"
    script.write_text(FAKE_PIP)
    return lambda mode: [sys.executable, str(script), mode]


def screenshot(widget, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    widget.adjustSize()
    path = SCREENSHOTS / name
    assert widget.grab().save(str(path))
    return path


def install_and_wait(dialog, timeout: float = 60.0) -> bool:
    from qgis.PyQt.QtCore import QCoreApplication
    results: list[bool] = []
    dialog.install_finished.connect(results.append)
    dialog.start_install()
    deadline = time.time() + timeout
    while not results and time.time() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.02)
    assert results, "the install task did not finish: " + dialog.log.toPlainText()[-2000:]
    return results[0]


def calls(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]


# -- the interpreter QGIS runs -------------------------------------------------------------------------------------
def _installed(pythons: dict[str, tuple]):
    """exists/identity_of fakes for `find_python`: {path: ((major, minor, micro), base_prefix)}."""
    norm = {p.replace("\\", "/"): identity for p, identity in pythons.items()}
    return dict(exists=lambda p: p.replace("\\", "/") in norm, identity_of=lambda p: norm.get(p.replace("\\", "/")))


def test_find_python_when_running_python_is_itself():
    from deepmapper.plugin.dependencies.python import find_python
    assert find_python("/work/venv/bin/python3", "/usr", (3, 11, 2), "linux", **_installed(
        {"/work/venv/bin/python3": ((3, 11, 2), "/usr")})) == "/work/venv/bin/python3"


OSGEO = "C:\\OSGeo4W\\apps\\Python311"
MAC = "/Applications/QGIS.app/Contents/Frameworks/Python.framework"


@pytest.mark.parametrize("executable, prefix, platform, present, expected", [
    ("/usr/bin/qgis", "/usr", "linux", {"/usr/bin/python3.11": "/usr"}, "/usr/bin/python3.11"),
    ("/usr/bin/qgis", "/usr", "linux", {"/usr/bin/python3": "/usr"}, "/usr/bin/python3"),
    ("/opt/qgis/bin/qgis", "/opt/qgis", "linux", {"/usr/bin/python3.11": "/usr", "/opt/qgis/bin/python3.11":
     "/opt/qgis"}, "/opt/qgis/bin/python3.11"),
    ("C:\\OSGeo4W\\bin\\qgis-bin.exe", OSGEO, "win32", {"C:\\OSGeo4W\\bin\\python.exe": OSGEO},
     "C:\\OSGeo4W\\bin\\python.exe"),
    ("C:\\OSGeo4W\\bin\\qgis-bin.exe", OSGEO, "win32",
     {"C:\\OSGeo4W\\bin\\python.exe": OSGEO, OSGEO + "\\python.exe": OSGEO}, OSGEO + "\\python.exe"),
    ("/Applications/QGIS.app/Contents/MacOS/QGIS", MAC, "darwin",
     {"/Applications/QGIS.app/Contents/MacOS/bin/python3.11": MAC},
     "/Applications/QGIS.app/Contents/MacOS/bin/python3.11"),
    ("/usr/bin/qgis", "/usr", "linux", {}, None),
])
def test_find_python_beside_qgis(executable, prefix, platform, present, expected):
    from deepmapper.plugin.dependencies.python import find_python
    found = find_python(executable, prefix, (3, 11, 2), platform,
                        **_installed({p: ((3, 11, 2), base) for p, base in present.items()}))
    assert (found.replace("\\", "/") if found else None) == (expected.replace("\\", "/") if expected else None)


@pytest.mark.parametrize("reported", [((3, 12, 1), "/usr"), ((3, 11, 7), "/usr"), ((3, 11, 2), "/root/.pyenv")])
def test_find_python_refuses_another_python_build(reported):
    """Another minor or micro version, or another prefix, must not install packages QGIS's Python may not import."""
    from deepmapper.plugin.dependencies.python import find_python
    assert find_python("/usr/bin/qgis", "/usr", (3, 11, 2), "linux",
                       **_installed({"/usr/bin/python3": reported})) is None


def test_find_python_runs_each_candidate_and_refuses_a_pyenv_shim(tmp_path):
    """The new user's case: sys.executable is a pyenv shim `python3` of another build; the finder starts it (a real
    script here, reporting 3.11.7 under ~/.pyenv), refuses it and returns the real /usr/bin/python3.X."""
    from deepmapper.plugin.dependencies.python import find_python, interpreter_identity
    shim = tmp_path / "shims" / "python3"
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\necho 3 11 7\necho /root/.pyenv/versions/3.11.7\n")
    shim.chmod(0o755)
    assert interpreter_identity(str(shim)) == ((3, 11, 7), "/root/.pyenv/versions/3.11.7")
    assert find_python(str(shim), sys.base_prefix, sys.version_info[:3], "linux", exists=lambda p: p == str(shim)) \
        is None
    real = f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}"
    if not Path(real).exists() or Path(sys.base_prefix) != Path("/usr"):
        pytest.skip(f"{real} is not this Python's base interpreter here")
    assert find_python(str(shim), sys.base_prefix, sys.version_info[:3], "linux") == real


def test_find_python_on_this_machine_as_qgis_would():
    """As inside desktop QGIS on Debian (sys.executable = /usr/bin/qgis): finds a real Python of the same build."""
    from deepmapper.plugin.dependencies.python import find_python, interpreter_identity
    if not Path("/usr/bin/python3").exists():
        pytest.skip("no /usr/bin/python3 on this machine")
    found = find_python("/usr/bin/qgis", sys.base_prefix, sys.version_info[:3], "linux")
    assert found is not None and found.startswith("/usr/bin/python3")
    assert interpreter_identity(found) == (tuple(sys.version_info[:3]), sys.base_prefix)


# -- pip's commands and its failures -------------------------------------------------------------------------------
def test_install_plan_pins_keeps_numpy_and_skips_model_package_dependencies(qgis_app, tmp_path):
    from deepmapper.plugin.dependencies.pip import GROUPS, InstallPlan
    plan = InstallPlan.for_groups(["py", "-m", "pip"], tmp_path, GROUPS[:3], "1.24.2")
    with_deps, no_deps = plan.commands("c.txt")
    assert with_deps[:6] == ["py", "-m", "pip", "install", "--target", str(tmp_path)]
    assert with_deps[with_deps.index("--constraint") + 1] == "c.txt"
    assert {"onnxruntime==1.31.1", "lightgbm==4.7.0", "torch===2.13.0", "torchvision==0.28.0"} <= set(with_deps)
    assert "--no-deps" not in with_deps and "--constraint" not in no_deps
    assert no_deps[-3:] == ["--no-deps", "ukis-csmask==1.0.0", "s2cloudless==1.7.3"]


@pytest.mark.parametrize("output, expected", [
    ("Retrying ... NewConnectionError ...\nERROR: No matching distribution found for torch===2.13.0",
     "No network: pip could not reach the Python package index to download torch===2.13.0"),
    ("ERROR: Could not find a version (from versions: 1.0)\nERROR: No matching distribution found for lightgbm==4.7.0",
     "No matching distribution for lightgbm==4.7.0"),
    ("/usr/bin/python3: No module named pip", "pip is not installed for /usr/bin/python3"),
    ("OSError: [Errno 28] No space left on device", "The disk is full"),
    ("ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/x'", "No permission"),
    ("ERROR: something odd happened", "pip failed (exit status 1): ERROR: something odd happened"),
])
def test_pip_failures_in_words(qgis_app, output, expected):
    from deepmapper.plugin.dependencies.pip import explain_failure
    assert explain_failure(output, 1, "/usr/bin/python3", "/tmp/t").startswith(expected)


# -- the dialog --------------------------------------------------------------------------------------------------------
def test_dialog_with_packages_missing_offline(qgis_app, tmp_path, fake_pip):
    from deepmapper.ui.dependency_dialog import DependencyDialog
    target = tmp_path / "packages"
    dialog = DependencyDialog(target=target, pip_command=fake_pip("offline"), probe=fake_probe(target),
                              python=sys.executable, numpy_version="1.24.2")
    table = {dialog.table.topLevelItem(i).text(0): dialog.table.topLevelItem(i).text(1)
             for i in range(dialog.table.topLevelItemCount())}
    assert table["onnxruntime"] == "missing" and table["ukis-csmask"] == "missing"
    assert "onnxruntime" in dialog.status.text() and dialog.install_button.isEnabled()
    assert all(box.isChecked() for box in dialog.group_boxes.values())
    dialog.group_boxes["torch"].setChecked(False)
    dialog.group_boxes["basics"].setChecked(False)
    screenshot(dialog, "dependencies_missing.png")

    assert install_and_wait(dialog) is False
    status = dialog.status.text()
    assert "No network" in status and "onnxruntime==1.31.1" in status, status
    assert "Temporary failure in name resolution" in dialog.log.toPlainText()  # the live log shows pip's output
    assert len(calls(tmp_path)) == 1  # stopped at the first failure
    assert dialog.install_button.isEnabled()  # the user can try again
    screenshot(dialog, "dependencies_offline.png")


def test_dialog_installs_into_the_target_folder(qgis_app, tmp_path, fake_pip):
    from deepmapper.ui.dependency_dialog import DependencyDialog
    target = tmp_path / "packages"
    dialog = DependencyDialog(target=target, pip_command=fake_pip("ok"), probe=fake_probe(target),
                              python=sys.executable, numpy_version="1.24.2")
    dialog.group_boxes["basics"].setChecked(False)
    assert install_and_wait(dialog) is True, dialog.log.toPlainText()
    first, second = calls(tmp_path)
    assert first["constraints"].strip() == "numpy==1.24.2"  # QGIS's NumPy is never replaced
    assert set(first["reqs"]) == {"onnxruntime==1.31.1", "lightgbm==4.7.0", "torch===2.13.0", "torchvision==0.28.0",
                                  "scikit-learn==1.6.1", "onnx==1.17.0"}
    assert "--no-deps" in second["args"]  # model packages, onnx2torch (PyTorch has its group) and ml_dtypes
    assert second["reqs"] == ["ukis-csmask==1.0.0", "s2cloudless==1.7.3", "onnx2torch==1.5.15", "ml_dtypes==0.4.1"]
    assert (target / "onnxruntime").is_dir() and (target / "ukis_csmask").is_dir()
    assert not (target / "numpy").exists() and not list(target.glob("numpy-*"))  # QGIS's own copy stays the one
    table = {dialog.table.topLevelItem(i).text(0): dialog.table.topLevelItem(i).text(1)
             for i in range(dialog.table.topLevelItemCount())}
    assert table["onnxruntime"] == "1.31.1" and table["torch"] == "2.13.0" and table["s2cloudless"] == "1.7.3"
    assert table["scikit-learn"] == "1.6.1" and table["onnx2torch"] == "1.5.15"
    assert table["rasterio"] == "missing"  # not asked for
    assert "Installed into" in dialog.status.text() and dialog.progress.value() == 100
    assert not dialog.group_boxes["ukis"].isEnabled()  # nothing left to install there
    assert str(target) in sys.path  # usable at once, without restarting QGIS
    sys.path.remove(str(target))  # (appended after the venv's packages; removed so that no later test sees it)
    screenshot(dialog, "dependencies_installed.png")


def test_dialog_real_environment_shows_versions_python_and_cuda(qgis_app):
    """Without injection: the venv's packages with their versions, this Python, and the GPU status."""
    import onnxruntime
    from deepmapper.ui.dependency_dialog import DependencyDialog
    dialog = DependencyDialog(target=ROOT / ".build" / "unused-target", python=sys.executable)
    table = {dialog.table.topLevelItem(i).text(0): dialog.table.topLevelItem(i).text(1)
             for i in range(dialog.table.topLevelItemCount())}
    assert table["onnxruntime"] == onnxruntime.__version__
    assert "PyTorch:" in dialog.cuda_label.text() and "ONNX Runtime:" in dialog.cuda_label.text()
    labels = " ".join(label.text() for label in dialog.findChildren(type(dialog.status)))
    assert sys.executable in labels
    dialog.show()
    # a new user's session: 974 px tall, more than a 900 px laptop screen; pip's output shows once installing
    screenshot(dialog, "dependencies_all_installed.png")
    assert not dialog.log.isVisible() and dialog.minimumSizeHint().height() <= 800, dialog.minimumSizeHint()
    screenshot(dialog, "dependencies_all_installed.png")
    dialog.close()


def test_offer_once_per_session_and_never_again(qgis_app, tmp_path):
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QCoreApplication
    from deepmapper.ui import dependency_dialog as dd
    app = QCoreApplication.instance()
    app.setProperty(dd.OFFERED_PROPERTY, False)
    QgsSettings().remove(dd.NEVER_OFFER_KEY)
    asked: list[str] = []
    probe = fake_probe(tmp_path)  # nothing installed
    try:
        assert dd.offer_install(probe=probe, ask=lambda parent, text: (asked.append(text), (False, False))[1]) is None
        assert len(asked) == 1 and "onnxruntime" in asked[0] and "torch" in asked[0]
        dd.offer_install(probe=probe, ask=lambda parent, text: (asked.append(text), (False, False))[1])
        assert len(asked) == 1  # not twice in one session
        app.setProperty(dd.OFFERED_PROPERTY, False)  # a new session
        dd.offer_install(probe=probe, ask=lambda parent, text: (asked.append(text), (False, True))[1])
        app.setProperty(dd.OFFERED_PROPERTY, False)
        dd.offer_install(probe=probe, ask=lambda parent, text: (asked.append(text), (False, False))[1])
        assert len(asked) == 2  # 'Don't ask again' holds
        assert dd.packages_to_offer(lambda m: "1.0") == []  # nothing missing: nothing to ask
    finally:
        QgsSettings().remove(dd.NEVER_OFFER_KEY)
        app.setProperty(dd.OFFERED_PROPERTY, False)


# -- canExecute names exactly the packages of the model it would use ---------------------------------------------------
def test_can_execute_names_exactly_the_missing_packages():
    out = run_without_runtimes("""
for alg_id in ('cloudmask', 'segment', 'superresolve', 'validatesuperres', 'trainmodel', 'pretrainmodel',
               'assessaccuracy', 'extractpatches'):
    ok, msg = registry.algorithmById('deepmapper:' + alg_id).canExecute()
    print('CAN', alg_id, ok, '|', msg)
from qgis.core import QgsProcessingContext
context = QgsProcessingContext()
alg = registry.createAlgorithmById('deepmapper:cloudmask')
print('CHECK s2cloudless', *alg.checkParameterValues({'MODEL': 's2cloudless'}, context))
print('CHECK ukis_csmask_4b_l2a', *alg.checkParameterValues({'MODEL': 'ukis_csmask_4b_l2a'}, context))
alg = registry.createAlgorithmById('deepmapper:trainmodel')
print('CHECK unet_resnet', *alg.checkParameterValues({'ARCHITECTURE': 'unet_resnet'}, context))
""")
    lines = {m.group(1): (m.group(2) == "True", m.group(3)) for m in
             re.finditer(r"^CAN (\w+) (True|False) \| (.*)$", out.stdout, re.M)}
    assert len(lines) == 8, out.stdout + out.stderr[-3000:]

    def missing_named(message: str) -> set[str]:
        return set(re.search(r"Missing Python packages[^:]*: ([^.]*)\.", message).group(1).split(", "))

    assert lines["cloudmask"][0] is False and missing_named(lines["cloudmask"][1]) == {"onnxruntime"}
    assert "Install dependencies" in lines["cloudmask"][1] and "pip install onnxruntime" in lines["cloudmask"][1]
    for alg_id in ("segment", "superresolve", "validatesuperres", "trainmodel", "pretrainmodel"):
        assert lines[alg_id][0] is False and missing_named(lines[alg_id][1]) == {"torch"}, lines[alg_id]
    assert lines["assessaccuracy"] == (True, "") and lines["extractpatches"] == (True, "")
    checks = {m.group(1): m.group(2) for m in re.finditer(r"^CHECK (\S+) (.*)$", out.stdout, re.M)}
    assert checks["s2cloudless"].startswith("False") and missing_named(checks["s2cloudless"]) == {"lightgbm"}
    assert "'s2cloudless'" in checks["s2cloudless"]
    assert missing_named(checks["ukis_csmask_4b_l2a"]) == {"onnxruntime"}
    assert checks["unet_resnet"].startswith("False") and missing_named(checks["unet_resnet"]) == {"torch"}


def test_can_execute_with_everything_installed(qgis_app):
    from qgis.core import QgsApplication, QgsProcessingContext
    for alg in QgsApplication.processingRegistry().providerById("deepmapper").algorithms():
        assert alg.canExecute() == (True, ""), alg.id()
    alg = QgsApplication.processingRegistry().createAlgorithmById("deepmapper:cloudmask")
    assert alg.model_packages_check({"MODEL": "s2cloudless"}, QgsProcessingContext()) == (True, "")
