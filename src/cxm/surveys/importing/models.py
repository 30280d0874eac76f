"""The record of each response-file import, and which respondent each imported response was.

Kept in their own app (``survey_imports``) so that the survey store's tables stay as they
are: an imported response is an ordinary :class:`~cxm.surveys.models.Response` (so it feeds
the CSI page like an answer given through the public form), and this app adds what only an
import knows: the file it came from, who imported it, the file's SPSS value labels, and the
respondent id of the file, which must be unique within a wave.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cxm.surveys.models import Response, Wave


class ResponseImport(models.Model):
    """One imported file: who, when, which file, into which wave, how many rows.

    Attributes
    ----------
    columns : dict
        The mapping used: item code or attribute -> source column header.
    value_labels : dict
        SPSS value labels of the file, per source column: ``{column: {value: label}}``
        (values as text, e.g. ``{"branch": {"1": "B01"}, "A11": {"1": "매우 불만족"}}``).
    column_labels : dict
        SPSS variable labels (the question texts), per source column.
    """

    wave = models.ForeignKey(Wave, verbose_name=_("survey wave"), on_delete=models.CASCADE,
                             related_name="response_imports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True,
                             on_delete=models.SET_NULL, related_name="response_imports")
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    source_name = models.CharField(_("file"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=8)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    columns = models.JSONField(_("columns"), default=dict)
    value_labels = models.JSONField(_("value labels"), default=dict, blank=True)
    column_labels = models.JSONField(_("column labels"), default=dict, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("response import")
        verbose_name_plural = _("response imports")

    def __str__(self) -> str:
        return f"{self.wave} · {self.source_name or '-'} · {self.rows}"


class ImportedResponse(models.Model):
    """Links an imported response to its import and to the file's respondent id."""

    response = models.OneToOneField(Response, primary_key=True, on_delete=models.CASCADE, related_name="imported")
    batch = models.ForeignKey(ResponseImport, on_delete=models.CASCADE, related_name="responses")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    row = models.PositiveIntegerField(_("row"))
    respondent_id = models.CharField(_("respondent id"), max_length=64, blank=True)

    scope_field = "response__org_unit"

    class Meta:
        verbose_name = _("imported response")
        verbose_name_plural = _("imported responses")
        constraints = [
            # A file's respondent id names one respondent of the wave: importing the same
            # file twice is refused instead of counting everybody twice.
            models.UniqueConstraint(fields=["wave", "respondent_id"], condition=~models.Q(respondent_id=""),
                                    name="imported_respondent_once_per_wave"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} · {self.respondent_id or self.row}"
