"""Model cards, registry, backends and architectures (QGIS-free)."""
