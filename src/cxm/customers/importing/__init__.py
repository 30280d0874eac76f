"""Import of customers, products and transactions from CSV and XLSX files, all or nothing.

Public use cases: :func:`customers_import`, :func:`products_import`,
:func:`transactions_import` (see :mod:`.services`); problems are reported as
:class:`ImportIssue` inside :class:`ImportFailed`.
"""

from .issues import ImportFailed, ImportIssue, ImportResult
from .services import ImportOptions, customers_import, products_import, transactions_import

__all__ = [
    "ImportFailed",
    "ImportIssue",
    "ImportOptions",
    "ImportResult",
    "customers_import",
    "products_import",
    "transactions_import",
]
