"""PLS path modelling for ACSI / ECSI / NCSI-style national satisfaction index models.

:class:`PLSPathModel` fits a :class:`ModelSpec` (read from a YAML model file or a
bundled preset) with Wold's algorithm; :func:`bootstrap` adds resampling intervals;
:func:`report_dict` is the JSON report of the two (``cxm pls --format json``).
"""

from cxm.analytics.pls.bootstrap import BootstrapResult, bootstrap, chunk_size_for
from cxm.analytics.pls.estimator import PLSPathModel, PLSResult, data_matrix
from cxm.analytics.pls.model import PRESETS, Construct, ModelSpec, find_cycle, load_model, load_preset, preset_path
from cxm.analytics.pls.report import report_dict

__all__ = [
    "PRESETS",
    "BootstrapResult",
    "Construct",
    "ModelSpec",
    "PLSPathModel",
    "PLSResult",
    "bootstrap",
    "chunk_size_for",
    "data_matrix",
    "find_cycle",
    "load_model",
    "load_preset",
    "preset_path",
    "report_dict",
]
