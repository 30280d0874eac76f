"""cxm: closes the customer-satisfaction loop (listen, measure, diagnose, act, track)."""

__version__ = "0.1.0"
