"""What an accuracy assessment takes and gives: the request (the Processing parameters, QGIS-free) and the result
that the report, the CSV table and the algorithm's outputs read. Below both assess.py and report.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .metrics import BinaryScores, Scores, defined
from .objects import ObjectScores

TABLE_FIELDS = ("class_id", "class", "precision", "recall", "f_beta", "iou", "support")


@dataclass
class AccuracyRequest:
    prediction: str
    reference: str
    class_field: str
    reference_layer: str | None = None
    band: int = 1
    beta: float = 1.0
    mapping: str | dict | None = None  # 'clear=0,cloud=1,shadow=2'
    positive_classes: str | Sequence | None = None  # binary view: '1,2' or 'cloud,cloud shadow'
    object_class: str | int | None = None  # object-level scores for this class
    object_iou: float = 0.5
    background: str | int | None = None  # exhaustive reference: unlabelled pixels are this prediction class
    output_html: str | None = None
    output_csv: str | None = None
    reference_name: str | None = None  # shown in the report instead of the path (e.g. a QGIS layer name)
    prediction_name: str | None = None


@dataclass
class AccuracyResult:
    scores: Scores
    counts: dict[str, int]
    matches: list  # engine.vector_labels.ClassMatch
    prediction_info: dict
    reference_info: dict
    binary: BinaryScores | None = None
    objects: ObjectScores | None = None
    output_html: str | None = None
    output_csv: str | None = None
    notes: list[str] = field(default_factory=list)
    created: str = ""

    @property
    def overall_accuracy(self) -> float:
        return self.scores.overall_accuracy

    @property
    def kappa(self) -> float:
        return self.scores.kappa

    @property
    def mean_f(self) -> float:
        return self.scores.macro_f

    def f(self, class_id: int) -> float:
        return next(c.f_beta for c in self.scores.classes if c.class_id == class_id)

    def headline(self) -> dict[str, object]:
        """The numbers deepmapper:assessaccuracy returns as Processing outputs; an undefined ratio is None (NULL),
        never NaN, so the model builder and JSON readers get an empty value rather than a number."""
        scores = self.scores
        return {"OVERALL_ACCURACY": defined(scores.overall_accuracy), "KAPPA": defined(scores.kappa),
                "MEAN_F": defined(scores.macro_f), "WEIGHTED_F": defined(scores.weighted_f),
                "BINARY_F": defined(self.binary.f_beta) if self.binary else None,
                "OBJECT_F1": defined(self.objects.f1) if self.objects else None,
                "ASSESSED_PIXELS": self.counts["assessed"], "NODATA_PIXELS": self.counts["nodata"],
                "AMBIGUOUS_PIXELS": self.counts["ambiguous"]}

    def table_rows(self) -> list[dict]:
        """Per-class rows: class_id, class, precision, recall, f_beta, iou, support (NaN where undefined)."""
        return [{"class_id": c.class_id, "class": c.name, "precision": c.precision, "recall": c.recall,
                 "f_beta": c.f_beta, "iou": c.iou, "support": c.support} for c in self.scores.classes]
