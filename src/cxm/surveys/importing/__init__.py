"""Import of survey response files (CSV, XLSX, SPSS .sav) into the survey store, all or nothing.

The reading, column mapping, cell checks and issue reporting are those of
:mod:`cxm.customers.importing`; this package adds what is survey-specific: the item columns
of the wave's questionnaire with their scales, the respondent attributes, SPSS files with
their value labels, and the import record (:mod:`.models`). Public use case:
:func:`cxm.surveys.importing.services.responses_import`.
"""
