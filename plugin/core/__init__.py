"""The QGIS-free engine of DeepMapper, in packages by concern (see docs/architecture.md).

engine/ (streaming I/O, tiling, inference, bands, units, device, errors) at the bottom; reporting/ (HTML report
templates) beside it; then the tasks: classify/ (cloud masks and segmentation), superres/ (super-resolution and its
validation), accuracy/ (scores against ground truth), training/ (patches, training, transfer, pre-training). Imports
only go downwards; nothing here imports qgis (tests/test_architecture.py checks both).
"""
