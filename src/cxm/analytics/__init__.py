"""Pure analytics: numpy / scipy / polars in, small frozen result dataclasses out.

Nothing in this package imports Django, so every estimator can be tested and reused
alone (``tests/analytics`` needs no database). The store calls it through services.
"""
