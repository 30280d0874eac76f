"""Small shared statistics for the CSI engine (re-exported for other analytics modules)."""

from __future__ import annotations

from cxm.analytics.csi import bca_interval, holm, percentile_interval

__all__ = ["holm", "percentile_interval", "bca_interval"]
