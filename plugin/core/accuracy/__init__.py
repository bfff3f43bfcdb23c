"""Accuracy of a class map against vector ground truth: confusion matrices and per-class scores (precision, recall,
F-beta, IoU, kappa) in metrics.py, SpaceNet-style object scores in objects.py, the assessment pipeline in assess.py
and its HTML report in report.py. May import the engine and the shared report templates; training imports the
metrics from here.
"""
