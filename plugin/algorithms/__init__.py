"""One module per Processing algorithm; each is thin: parameters -> engine call -> outputs."""
from .assessaccuracy import AssessAccuracyAlgorithm
from .cloudmask import CloudMaskAlgorithm

ALGORITHMS = [CloudMaskAlgorithm, AssessAccuracyAlgorithm]
