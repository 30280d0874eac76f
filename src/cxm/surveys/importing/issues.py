"""The reasons only a survey response import gives, added to the shared import reasons.

The other reasons (unknown channel, customer, org unit outside the user's scope, duplicate
in the file, unreadable file, ...) are those of :mod:`cxm.customers.importing.issues`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cxm.customers.importing.issues import register_messages

MESSAGES = {
    "not_a_number": _("Not a number: an answer is a number on the item's scale (%(scale)s), or an empty cell."),
    "out_of_scale": _("Outside the item's scale %(scale)s: answers are whole numbers on the scale."),
    "unknown_branch": _("Unknown branch: neither the code nor the name of an org unit."),
    "ambiguous_branch": _("Several org units have this name: use the branch code."),
    "customer_in_anonymous_wave": _("The wave is anonymous: answers may not be linked to a customer. "
                                    "Leave this column out."),
    "respondent_exists": _("This respondent id was already imported into this wave."),
    "no_item_columns": _("No column is an item of the questionnaire (%(items)s): name the columns by item code "
                         "or map them with ITEM=Column."),
    "bad_sav": _("The file is not a readable SPSS .sav file: %(detail)s"),
    "sheet_not_workbook": _("A sheet can only be chosen in an XLSX workbook."),
}

register_messages(MESSAGES, {"not_a_number": "scale", "out_of_scale": "scale"})
