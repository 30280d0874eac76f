"""Forms of the survey management pages: response-file import and questionnaire upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cxm.surveys.models import Wave
from cxm.web.forms import MAX_UPLOAD_BYTES, ImportForm

#: A questionnaire is a few kilobytes of YAML; anything much larger is not one.
MAX_QUESTIONNAIRE_BYTES = 1024 * 1024


class WaveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, wave: Wave) -> str:
        parts = [wave.code, str(wave.period) if wave.period_id else None, str(wave.questionnaire)]
        return " · ".join(p for p in parts if p)


class ResponseImportForm(ImportForm):
    """The import page's form (file, encoding, sheet, mapping) with a wave instead of an entity."""

    entity = None  # removes the parent's field: what a file holds is the wave's questionnaire
    wave = WaveChoiceField(label=_("Survey wave"), queryset=Wave.objects.none(), to_field_name="code",
                           empty_label=None)
    field_order = ["wave", "file", "encoding", "sheet", "mapping"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Newest first: the wave being collected now is the usual one.
        self.fields["wave"].queryset = Wave.objects.select_related("questionnaire", "period").order_by(
            "-opens_on", "code")
        self.fields["file"].label = _("File (CSV, XLSX or SPSS .sav)")
        self.fields["file"].help_text = _(
            "One row per respondent, one column per item code (competitor items: prefix + code); an empty "
            "cell is a missing answer. Respondent columns: branch (required), respondent_id, segment, channel, "
            "customer_no, comment.")
        mapping = self.fields["mapping"]
        mapping.help_text = _("One “item=Column” per line (an item code or an attribute such as branch). "
                              "Items not mapped are matched by their code.")
        mapping.widget.attrs["placeholder"] = "A11=Q1_1\nbranch=지점코드"


class QuestionnaireUploadForm(forms.Form):
    code = forms.SlugField(label=_("Questionnaire code"), max_length=40,
                           help_text=_("An existing code gets a new version; the older versions stay as they are."))
    file = forms.FileField(label=_("Questionnaire (YAML)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_QUESTIONNAIRE_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)s MB: it is not a questionnaire."),
                                        params={"size": MAX_QUESTIONNAIRE_BYTES // (1024 * 1024)}, code="too_large")
        return upload


__all__ = ["MAX_UPLOAD_BYTES", "QuestionnaireUploadForm", "ResponseImportForm"]
