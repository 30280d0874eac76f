"""PLS path modelling for ACSI / ECSI / NCSI-style national satisfaction index models.

:class:`PLSPathModel` fits a :class:`ModelSpec` (read from a YAML model file or a
bundled preset) with Wold's algorithm; :func:`bootstrap` adds resampling intervals.
"""

from cxm.analytics.pls.bootstrap import BootstrapResult, bootstrap
from cxm.analytics.pls.estimator import PLSPathModel, PLSResult, data_matrix
from cxm.analytics.pls.model import PRESETS, Construct, ModelSpec, load_model, load_preset, preset_path

__all__ = [
    "PRESETS",
    "BootstrapResult",
    "Construct",
    "ModelSpec",
    "PLSPathModel",
    "PLSResult",
    "bootstrap",
    "data_matrix",
    "load_model",
    "load_preset",
    "preset_path",
]
