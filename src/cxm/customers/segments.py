"""Display names of customer segment codes and of the demo's attribute keys.

``Customer.segment`` holds a short code from the company's own data (the demo uses
``family``, ``single``, ``senior``, ``b2b`` and ``b2b_key``). Pages show a translated name for
the codes listed here and the code itself for any other value, so an imported segment that
nobody named yet still appears as it was loaded.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SEGMENT_LABELS = {
    "family": _("Family household"),
    "single": _("Single-person household"),
    "senior": _("Senior"),
    "b2b": _("Business"),
    "b2b_key": _("Key business account"),
}


def segment_label(code: str | None) -> str:
    """The name of a segment code in the active language; the code itself when unnamed, "–" when empty.

    Parameters
    ----------
    code
        A value of ``Customer.segment`` (or ``Response.segment``).

    Returns
    -------
    str
    """
    if not code:
        return "–"
    label = SEGMENT_LABELS.get(code)
    return str(label) if label is not None else code


def segment_labels() -> dict[str, str]:
    """Every named segment code with its name in the active language."""
    return {code: str(label) for code, label in SEGMENT_LABELS.items()}


# Keys of ``Customer.attributes`` that the demo fills; other keys are shown as they are.
ATTRIBUTE_LABELS = {
    "household_size": _("Household size"),
    "industry": _("Industry"),
    "employees": _("Employees"),
    "key_account": _("Key account"),
}


def attribute_label(key: str) -> str:
    """The name of an attribute key in the active language; the key itself when unnamed."""
    label = ATTRIBUTE_LABELS.get(key)
    return str(label) if label is not None else key
