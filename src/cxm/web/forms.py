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
