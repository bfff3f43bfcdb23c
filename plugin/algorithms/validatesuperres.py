"""deepmapper:validatesuperres: the Wald protocol on the user's own scene, model against bicubic, as an HTML report."""
from __future__ import annotations

from qgis.core import QgsProcessingOutputNumber, QgsProcessingOutputString, QgsProcessingParameterFileDestination
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.superres.validation import ValidateRequest, validate_superres
from .base import DeepMapperAlgorithm
from .superresolve import SuperResolutionParameters

# output name -> (scores attribute, overall key, label)
NUMBERS = {
    "RMSE": ("model", "rmse", QT_TRANSLATE_NOOP("DeepMapper", "RMSE of the model (input units)")),
    "RMSE_BICUBIC": ("bicubic", "rmse", QT_TRANSLATE_NOOP("DeepMapper", "RMSE of bicubic interpolation")),
    "PSNR": ("model", "psnr", QT_TRANSLATE_NOOP("DeepMapper", "PSNR of the model (dB)")),
    "PSNR_BICUBIC": ("bicubic", "psnr", QT_TRANSLATE_NOOP("DeepMapper", "PSNR of bicubic interpolation (dB)")),
    "SSIM": ("model", "ssim", QT_TRANSLATE_NOOP("DeepMapper", "SSIM of the model")),
    "SSIM_BICUBIC": ("bicubic", "ssim", QT_TRANSLATE_NOOP("DeepMapper", "SSIM of bicubic interpolation")),
    "SAM": ("model", "sam", QT_TRANSLATE_NOOP("DeepMapper", "Spectral angle of the model (degrees)")),
    "SAM_BICUBIC": ("bicubic", "sam",
                    QT_TRANSLATE_NOOP("DeepMapper", "Spectral angle of bicubic interpolation (degrees)")),
    "ERGAS": ("model", "ergas", QT_TRANSLATE_NOOP("DeepMapper", "ERGAS of the model")),
    "ERGAS_BICUBIC": ("bicubic", "ergas", QT_TRANSLATE_NOOP("DeepMapper", "ERGAS of bicubic interpolation")),
}


class ValidateSuperResAlgorithm(SuperResolutionParameters, DeepMapperAlgorithm):
    OUTPUT_HTML, OUTPUT_CSV = "OUTPUT_HTML", "OUTPUT_CSV"

    ALGORITHM_ID = "validatesuperres"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Validate super-resolution")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Scores a super-resolution model on your own scene (Wald protocol).")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "super-resolution"), QT_TRANSLATE_NOOP("DeepMapper", "validation"), QT_TRANSLATE_NOOP("DeepMapper", "Wald protocol"), QT_TRANSLATE_NOOP("DeepMapper", "PSNR"), QT_TRANSLATE_NOOP("DeepMapper", "SSIM"), QT_TRANSLATE_NOOP("DeepMapper", "accuracy"), QT_TRANSLATE_NOOP("DeepMapper", "Sentinel-2"),)
    HELP_ANCHOR = "deepmappersuperresolve-and-deepmappervalidatesuperres"
    GROUP_ID = "superresolution"

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Measures how well a super-resolution model works on your own scene, without any reference image "
            "(Wald protocol): both inputs are degraded by 2 (2 x 2 block means), the degraded bands to sharpen are "
            "super-resolved back to their own resolution, and the result is compared with the original bands. "
            "Bicubic interpolation of the same degraded bands is scored alongside.\n\n"
            "Inputs as for 'Super-resolve Sentinel-2': the high-resolution bands (e.g. 10 m) and the bands to "
            "sharpen (e.g. 20 m), or a single raster in doubling mode.\n\n"
            "Reports per band and overall RMSE, PSNR, SSIM, SAM and ERGAS for the model and for bicubic, as a "
            "self-contained HTML page and optionally a CSV table. The RMSE ratio (model RMSE / bicubic RMSE) below "
            "1 means the model adds detail bicubic cannot.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_superres_inputs()
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_HTML, self.tr("Validation report"), self.tr("HTML files (*.html)")))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_CSV, self.tr("Per-band scores table"), self.tr("CSV files (*.csv)"), optional=True,
            createByDefault=False))
        for name, (_who, _key, label) in NUMBERS.items():
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(label)))
        self.addOutput(QgsProcessingOutputNumber("RMSE_RATIO", self.tr("RMSE of the model / RMSE of bicubic")))
        self.addOutput(QgsProcessingOutputNumber("CONSISTENCY_ERROR_PERCENT",
                                                 self.tr("Consistency error after projection (%)")))
        self.addOutput(QgsProcessingOutputString("MODEL_ID", self.tr("Model used")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        csv_path = self.parameterAsFileOutput(parameters, self.OUTPUT_CSV, context) \
            if parameters.get(self.OUTPUT_CSV) else None
        request = ValidateRequest(output_html=self.parameterAsFileOutput(parameters, self.OUTPUT_HTML, context),
                                  output_csv=csv_path or None, **self.superres_inputs(parameters, context))
        result = self.run_engine(lambda: validate_superres(request, self.monitor(feedback), self.model_registry()))
        self.name_output(result.output_csv, self.tr("Super-resolution scores: {}"), parameters, request.input,
                         result.model_id, context)
        out = {name: getattr(result, who).overall[key] for name, (who, key, _l) in NUMBERS.items()}
        out.update({self.OUTPUT_HTML: result.output_html, self.OUTPUT_CSV: result.output_csv,
                    "RMSE_RATIO": result.rmse_ratio, "CONSISTENCY_ERROR_PERCENT": result.consistency_error_percent,
                    "MODEL_ID": result.model_id})
        return out
