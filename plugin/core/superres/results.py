"""What the Wald-protocol validation gives: the model's and bicubic's scores and how they were measured. Below both
validation.py (which computes it) and report.py (which shows it)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .metrics import Scores


@dataclass
class ValidateResult:
    model: Scores
    bicubic: Scores
    band_names: list[str]
    model_id: str
    pixels: int
    consistency_error_percent: float
    info: dict
    output_html: str | None = None
    output_csv: str | None = None
    log: list[str] = field(default_factory=list)

    @property
    def rmse_ratio(self) -> float:
        """Model RMSE over bicubic RMSE (below 1: better than bicubic)."""
        return self.model.overall["rmse"] / max(self.bicubic.overall["rmse"], 1e-12)
