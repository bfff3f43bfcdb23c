"""DeepMapper QGIS plugin. Importing this package does not import qgis: the engine is usable on its own."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin.main import DeepMapperPlugin
    return DeepMapperPlugin(iface)
