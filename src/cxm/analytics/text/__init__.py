"""Text mining of case texts and survey comments, Korean and English (domain.md section 3).

* :mod:`~cxm.analytics.text.lang` -- language per text from its Hangul share;
* :mod:`~cxm.analytics.text.tokenize` -- base-form tokens (Kiwi for Korean, a regex for English);
* :mod:`~cxm.analytics.text.keywords` -- keywords per group: weighted log-odds with an
  informative Dirichlet prior (Monroe, Colaresi & Quinn 2008);
* :mod:`~cxm.analytics.text.topics` -- NMF topics over TF-IDF, their trend over time and
  their link to satisfaction scores.

Import the submodules directly; this package module stays light (no Kiwi, no scikit-learn).
"""
