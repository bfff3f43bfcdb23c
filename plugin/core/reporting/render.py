"""The jinja2 environment of the reports: templates/ beside this module, HTML autoescaping, the shared filters."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .filters import FILTERS

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment():
    """The one jinja2.Environment (built on first use, so importing a task does not import jinja2). Raises
    ImportError naming the package to install when jinja2 is missing (QGIS ships it; a bare Python may not)."""
    try:
        import jinja2
    except ImportError as exc:
        raise ImportError("The HTML reports need jinja2: install it into the Python that QGIS uses "
                          "(Debian/Ubuntu: `apt-get install python3-jinja2`; elsewhere `python3 -m pip install jinja2`)."
                          ) from exc

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


def render(template: str, **context) -> str:
    """One report page as an HTML string: `template` (a file of templates/, e.g. 'accuracy.html') filled with
    `context`. A name the template uses but the context lacks raises jinja2.UndefinedError."""
    return environment().get_template(template).render(**context)
