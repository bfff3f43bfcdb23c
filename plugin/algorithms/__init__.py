"""One module per Processing algorithm; each is thin: parameters -> engine call -> outputs."""
from .assessaccuracy import AssessAccuracyAlgorithm
from .cloudmask import CloudMaskAlgorithm
from .extractpatches import ExtractPatchesAlgorithm
from .listmodels import ListModelsAlgorithm
from .pretrainmodel import PretrainModelAlgorithm
from .segment import SegmentAlgorithm
from .superresolve import SuperResolveAlgorithm
from .trainmodel import TrainModelAlgorithm
from .validatesuperres import ValidateSuperResAlgorithm

ALGORITHMS = [CloudMaskAlgorithm, AssessAccuracyAlgorithm, SegmentAlgorithm,
              ExtractPatchesAlgorithm, TrainModelAlgorithm, PretrainModelAlgorithm]
ALGORITHMS += [SuperResolveAlgorithm, ValidateSuperResAlgorithm]
ALGORITHMS += [ListModelsAlgorithm]
