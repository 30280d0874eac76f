"""Buy-till-you-die and CLV models: BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma, sBG, formula CLV.

Inputs follow lifetimes' conventions (``frequency`` = repeat purchases, ``recency`` and
``T`` measured from the first purchase); :func:`customer_summary` builds them from a
transaction table. Every estimator has the scikit-learn shape: ``fit`` returns the
estimator with ``params_``, ``loglik_``, ``n_`` and ``converged_``; ``result()`` gives
them as a frozen :class:`ModelFit`; ``summary()`` a polars table with standard errors.
"""

from cxm.analytics.btyd.bgnbd import BetaGeoModel
from cxm.analytics.btyd.clv import FormulaCLV, discounted_clv, formula_clv
from cxm.analytics.btyd.common import ModelFit
from cxm.analytics.btyd.gammagamma import GammaGammaModel
from cxm.analytics.btyd.mbgnbd import ModifiedBetaGeoModel
from cxm.analytics.btyd.paretonbd import ParetoNBDModel
from cxm.analytics.btyd.sbg import ShiftedBetaGeometricModel
from cxm.analytics.btyd.summary import customer_summary

__all__ = [
    "BetaGeoModel", "ModifiedBetaGeoModel", "ParetoNBDModel", "GammaGammaModel", "ShiftedBetaGeometricModel",
    "ModelFit", "FormulaCLV", "formula_clv", "discounted_clv", "customer_summary",
]
