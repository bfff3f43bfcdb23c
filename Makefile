# DeepMapper: `make demo` runs the algorithms on real scenes; `make test` runs the test suite. Both set up first.
PY := .venv/bin/python
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)

.PHONY: setup test demo models package clean translations bench

setup:
	bash scripts/setup.sh

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider tests

demo: setup
	INPUT="$(INPUT)" SENSOR="$(SENSOR)" bash scripts/demo.sh

# Benchmarks (not part of `make test`): same-run ratios and the machine into benchmarks/results/; copy the tables
# into docs/benchmarks.md. BENCH_SIZES=1024 2048 for a quick run; the full list takes tens of minutes on 2 cores.
# Cloud masking through qgis_process with the native grid and with large tiles (TILE_SIZE=1024) against CSmask
# (sides above 4096: VRT mosaics, no CSmask), then segmentation and s2cloudless (against S2PixelCloudDetector).
BENCH_SIZES ?= 1024 2048 4096 8192 10980
BENCH_TILES ?= 0 1024
bench: setup
	$(PY) benchmarks/bench_cloudmask.py --sizes $(BENCH_SIZES) --tile-size $(BENCH_TILES)
	$(PY) benchmarks/bench_models.py

# Rebuild the bundled models from ../shared/data: segmentation (buildings, landcover_s2) and Sentinel-2
# super-resolution (s2_superres_guided, s2_superres_single). Tens of minutes on 2 CPU cores.
models: setup
	$(PY) scripts/train_models.py
	$(PY) scripts/train_superres.py

# A zip to install in desktop QGIS (Plugins > Manage and Install Plugins > Install from ZIP).
package:
	mkdir -p dist
	git archive --format=zip --prefix=deepmapper/ -o dist/deepmapper-$(VERSION).zip HEAD \
	    -- metadata.txt __init__.py icon.svg LICENSE README.md plugin models ui i18n icons \
	    requirements/runtime.txt requirements/models.txt
	@echo dist/deepmapper-$(VERSION).zip

clean:
	rm -rf .build demo_output dist

# Collect tr() strings into i18n/*.ts (translations kept) and compile them with lrelease (Debian:
# qttools5-dev-tools). The .qm files are committed; tests/test_translations.py fails when a string lacks French.
translations:
	$(PY) scripts/update_translations.py
