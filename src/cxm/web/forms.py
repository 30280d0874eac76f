"""Forms of the web shell. Labels and errors are translated; every POST form carries CSRF."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from cxm.customers.models import Channel


class LoginForm(AuthenticationForm):
    """Django's authentication form with our labels and browser hints."""

    error_messages = {
        "invalid_login": _("The user name or password is not correct. Both are case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class ScopeForm(forms.Form):
    """The top-bar pickers; validity of the codes is checked against the user's scope."""

    unit = forms.CharField(required=False, max_length=32)
    period = forms.CharField(required=False, max_length=32)


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=120,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, by_name: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = (
            _("Customer number or name") if by_name else _("Customer number")
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The HTML date input always exchanges ISO dates, whatever the display locale.
        super().__init__(attrs, format="%Y-%m-%d")


class TransactionFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"])
    channel = forms.ModelChoiceField(
        label=_("Channel"), required=False, queryset=Channel.objects.order_by("code"),
        empty_label=_("All channels"), to_field_name="code",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."), code="date_order")
        return data


#: Larger files belong on the command line (``cxm import``), which streams nothing through a browser.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    """Upload a customers, products or transactions file with an optional column mapping."""

    ENTITIES = (("customers", _("Customers")), ("products", _("Products")), ("transactions", _("Transactions")))
    ENCODINGS = (("auto", _("Automatic (UTF-8 or CP949)")), ("utf-8", "UTF-8"), ("cp949", _("CP949 (Korean Excel CSV)")))

    entity = forms.ChoiceField(label=_("What the file holds"), choices=ENTITIES)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    encoding = forms.ChoiceField(label=_("CSV encoding"), choices=ENCODINGS, initial="auto")
    sheet = forms.CharField(label=_("XLSX sheet"), required=False, max_length=100,
                            help_text=_("Empty: the first sheet."))
    mapping = forms.CharField(
        label=_("Column mapping"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "customer_no=고객번호\nname=고객명"}),
        help_text=_("One “field=Column” per line. Fields not mapped are matched by name."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: import it with the cxm import command."),
                params={"size": MAX_UPLOAD_BYTES // (1024 * 1024)}, code="too_large",
            )
        return upload

    def clean_mapping(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), start=1):
            if not line.strip():
                continue
            field, sep, column = line.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise forms.ValidationError(
                    _("Line %(line)s is not “field=Column”."), params={"line": number}, code="bad_mapping"
                )
            mapping[field.strip()] = column.strip()
        return mapping
