"""One module per Processing algorithm; each is thin: parameters -> engine call -> outputs."""
from .cloudmask import CloudMaskAlgorithm

ALGORITHMS = [CloudMaskAlgorithm]
