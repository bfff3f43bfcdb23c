"""Accuracy of a class map against vector ground truth: confusion matrices and per-class scores (precision, recall,
F-beta, IoU, kappa) in metrics.py, SpaceNet-style object scores in objects.py, the request and result in results.py,
the assessment pipeline in assess.py and its HTML report and CSV table in report.py (markup in
plugin/core/reporting/templates/accuracy.html). May import the engine and the shared report templates; training
imports the metrics from here.
"""
from .assess import assess_accuracy
from .metrics import (BinaryScores, ClassScores, ConfusionAccumulator, Scores, binary_view, cohen_kappa,
                      confusion_matrix, defined, f_beta_from_counts, overall_accuracy, score)
from .objects import ObjectScores, match_objects, object_scores
from .report import render_report, write_table_csv
from .results import AccuracyRequest, AccuracyResult

__all__ = ["AccuracyRequest", "AccuracyResult", "BinaryScores", "ClassScores", "ConfusionAccumulator", "ObjectScores",
           "Scores", "assess_accuracy", "binary_view", "cohen_kappa", "confusion_matrix", "defined", "f_beta_from_counts",
           "match_objects", "object_scores", "overall_accuracy", "render_report", "score", "write_table_csv"]
