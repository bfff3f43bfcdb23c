"""`python -m deepmapper`: the command line on the QGIS-free engine (plugin/core/cli). Needs the folder above the
plugin on sys.path, e.g. `PYTHONPATH=.build/plugins .venv/bin/python -m deepmapper --help` in a checkout."""
import sys

from .plugin.core.cli.main import main

sys.exit(main())
