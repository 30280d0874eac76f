"""The MBG/NBD model (Batislam, Denizel & Filiztekin 2007; Hoppe & Wagner 2007).

As BG/NBD, except that the customer may also drop out at time zero, right after the
first purchase. The individual likelihood becomes

``L = B(a, b+x+1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
    + B(a+1, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))``

for every ``x`` (including ``x = 0``), ``P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x))``
and ``E[X(t)] = b/(a-1) [1 - 2F1(r, a-1; a+b; -t/alpha)]``.
"""

from __future__ import annotations

from cxm.analytics.btyd.bgnbd import BetaGeoModel

__all__ = ["ModifiedBetaGeoModel"]


class ModifiedBetaGeoModel(BetaGeoModel):
    """MBG/NBD model fitted by maximum likelihood (same interface as :class:`BetaGeoModel`).

    References
    ----------
    Batislam, E. P., Denizel, M., & Filiztekin, A. (2007). Empirical validation and
    comparison of models for customer base analysis. International Journal of Research
    in Marketing, 24(3), 201-209.
    Hoppe, D., & Wagner, U. (2007). Customer base analysis: the case for a central
    variant of the Betageometric/NBD model. Marketing - Journal of Research and
    Management, 3(2), 75-90.
    """

    _method = "MBG/NBD"
    _modified = True
