"""Forms of the case pages: create, transition, assign, note, and the public form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Case, CaseCategory

S = Case.Status


class CaseCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Case.Kind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Case.Channel.choices, initial=Case.Channel.CALL_CENTRE)
    category = forms.ModelChoiceField(label=_("Category"), queryset=CaseCategory.objects.all(), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Case.Severity.choices, initial=Case.Severity.MEDIUM)
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=None)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    # Quick create: a case settled while the customer is still on the line (first-contact resolution).
    resolved_now = forms.BooleanField(label=_("Resolved during this contact"), required=False)
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    root_cause = forms.ChoiceField(label=_("Root cause"), required=False,
                                   choices=[("", "–")] + list(Case.RootCause.choices))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(label=_("New status"), choices=S.choices)
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    root_cause = forms.ChoiceField(label=_("Root cause"), required=False,
                                   choices=[("", "–")] + list(Case.RootCause.choices))
    verdict = forms.ChoiceField(label=_("Customer's verdict"), required=False,
                                choices=[("", "–")] + list(Case.Verdict.choices))
    first_contact_resolution = forms.BooleanField(
        label=_("Resolved at first contact"), required=False,
        help_text=_("Settled in the contact that opened the case: no hand-over, no call-back."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignees


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("Images, PDF, TXT, CSV or XLSX."))


class PublicCaseForm(forms.Form):
    name = forms.CharField(label=_("Your name (optional)"), max_length=80, required=False)
    contact = forms.CharField(label=_("Phone or e-mail (optional)"), max_length=120, required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None)
    kind = forms.ChoiceField(label=_("Type"), choices=Case.Kind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("A photo or a document (optional)"), required=False,
                                 help_text=_("Images, PDF, TXT, CSV or XLSX."))

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
