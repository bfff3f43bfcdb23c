"""One module per Processing algorithm; each is thin: parameters -> engine call -> outputs."""
from .assessaccuracy import AssessAccuracyAlgorithm
from .cloudmask import CloudMaskAlgorithm
from .extractpatches import ExtractPatchesAlgorithm
from .findsimilar import FindSimilarAlgorithm
from .listmodels import ListModelsAlgorithm
from .pretrainmodel import PretrainModelAlgorithm
from .reviewlabels import ReviewLabelsAlgorithm
from .segment import SegmentAlgorithm
from .suggestsamples import SuggestSamplesAlgorithm
from .superresolve import SuperResolveAlgorithm
from .trainmodel import TrainModelAlgorithm
from .validatesuperres import ValidateSuperResAlgorithm

ALGORITHMS = [CloudMaskAlgorithm, AssessAccuracyAlgorithm, SegmentAlgorithm,
              ExtractPatchesAlgorithm, TrainModelAlgorithm, PretrainModelAlgorithm]
ALGORITHMS += [SuperResolveAlgorithm, ValidateSuperResAlgorithm]
ALGORITHMS += [ListModelsAlgorithm]
ALGORITHMS += [ReviewLabelsAlgorithm, FindSimilarAlgorithm]
ALGORITHMS += [SuggestSamplesAlgorithm]
