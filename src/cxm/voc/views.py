"""Case pages: the agent's inbox, a case, quick creation, and the public form (no account)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from auditlog.signals import accessed
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.core.ratelimit import client_address, rate_limited
from cxm.customers import selectors as customer_selectors
from cxm.org.access import can_view_personal_data, restrict
from cxm.org.models import OrgUnit

from . import selectors, services
from .attachments import case_attachment_add, max_bytes
from .follow_up import can_follow_up, case_follow_up_send
from .forms import AssignForm, AttachmentForm, CaseCreateForm, NoteForm, PublicCaseForm, TransitionForm
from .models import Case, CaseAttachment
from .services_public import case_create_public, public_branches

#: Public submissions allowed per client address per hour (as the survey form).
RATE_LIMIT = 10
RATE_WINDOW = 3600


# --- agent pages -------------------------------------------------------------------------------


@login_required
def case_inbox(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view") if request.GET.get("view") in ("mine", "queue") else "mine"
    status = request.GET.get("status", "")
    if status not in Case.Status.values:
        status = ""
    inbox = selectors.case_inbox(user=request.user, view=view, status=status, page=request.GET.get("page", 1))
    return render(request, "voc/inbox.html", {
        "rows": inbox.rows, "page": inbox.page, "view": view, "status": status, "statuses": Case.Status.choices,
        "can_create": services.can_work_cases(request.user),
        "breaches": inbox.breaches, "warnings": inbox.warnings, "flagged": inbox.flagged,
    })


def _detail_context(request: HttpRequest, case: Case, **forms) -> dict:
    events = list(case.events.select_related("actor"))
    labels = dict(Case.Status.choices)
    for event in events:
        event.from_label = labels.get(event.from_status, "")
        event.to_label = labels.get(event.to_status, "")
    allowed = sorted(services.TRANSITIONS[case.status], key=Case.Status.values.index)
    transition = forms.get("transition") or TransitionForm(initial={"version": case.version})
    transition.fields["to"].choices = [(s, labels[s]) for s in allowed]
    assign = forms.get("assign") or AssignForm(initial={"version": case.version, "owner": case.owner_id},
                                               assignees=selectors.case_assignees(user=request.user, case=case))
    follow_ups = []
    for follow_up in case.follow_ups.select_related("invitation", "sent_by"):
        follow_up.url = request.build_absolute_uri(reverse("surveys:answer", args=[follow_up.invitation.token]))
        follow_ups.append(follow_up)
    return {
        "case": case, "events": events,
        "sla": selectors.sla_state(case, now=timezone.now(), calendar=services.business_calendar()),
        "love_to_hate": selectors.case_is_love_to_hate(case),
        "can_work": services.can_work_cases(request.user),
        "transition_form": transition, "assign_form": assign, "note_form": forms.get("note") or NoteForm(),
        "attachment_form": forms.get("attach") or AttachmentForm(),
        "attachments": list(case.attachments.select_related("uploaded_by")),
        "max_megabytes": f"{max_bytes() / 1024 / 1024:g}",
        "follow_ups": follow_ups, "can_follow_up": can_follow_up(case),
        "error": forms.get("error"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, number=number)
    if case is None:
        raise Http404
    if request.method == "GET":
        return render(request, "voc/detail.html", _detail_context(request, case))
    action = request.POST.get("action")
    forms: dict = {}
    try:
        if action == "transition":
            form = forms["transition"] = TransitionForm(request.POST)
            form.fields["to"].choices = Case.Status.choices
            if form.is_valid():
                d = form.cleaned_data
                services.case_transition(
                    user=request.user, case_id=case.pk, version=d["version"], to=d["to"],
                    resolution=d["resolution"], root_cause=d["root_cause"], verdict=d["verdict"], note=d["note"],
                    first_contact_resolution=d["first_contact_resolution"] if d["to"] == Case.Status.RESOLVED else None)
                return HttpResponseRedirect(reverse("voc:detail", args=[case.number]))
        elif action == "assign":
            form = forms["assign"] = AssignForm(request.POST,
                                                assignees=selectors.case_assignees(user=request.user, case=case))
            if form.is_valid():
                services.case_assign(user=request.user, case_id=case.pk, version=form.cleaned_data["version"],
                                     owner=form.cleaned_data["owner"])
                return HttpResponseRedirect(reverse("voc:detail", args=[case.number]))
        elif action == "note":
            form = forms["note"] = NoteForm(request.POST)
            if form.is_valid():
                services.case_note(user=request.user, case_id=case.pk, text=form.cleaned_data["text"])
                return HttpResponseRedirect(reverse("voc:detail", args=[case.number]))
        elif action == "attach":
            form = forms["attach"] = AttachmentForm(request.POST, request.FILES)
            if not services.can_work_cases(request.user):
                raise AccessDenied(_("Your role may not change cases."))
            if form.is_valid():
                case_attachment_add(user=request.user, case_id=case.pk, upload=form.cleaned_data["file"])
                return HttpResponseRedirect(reverse("voc:detail", args=[case.number]))
        elif action == "follow_up":
            case_follow_up_send(user=request.user, case_id=case.pk)
            return HttpResponseRedirect(reverse("voc:detail", args=[case.number]) + "#follow-up")
        else:
            forms["error"] = _("Unknown action.")
    except services.StaleCase:
        forms = {"error": _("This case was changed by someone else meanwhile. Reload it and try again.")}
        status = 409
    except AccessDenied as exc:
        forms = {"error": exc.message}
        status = 403
    except ApplicationError as exc:
        forms["error"] = exc.message
        status = 400
    else:
        status = 400
    # read afresh (forms carry the current version) through case_get: refresh_from_db would
    # undo the masking of the personal data (contact name, contact) for analysts
    case = selectors.case_get(user=request.user, number=number) or case
    return render(request, "voc/detail.html", _detail_context(request, case, **forms), status=status)


@login_required
@require_http_methods(["GET"])
def case_attachment_download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """A case's file, after the case's scope check; always a download, never rendered inline.

    A customer's file may hold personal data, so roles without personal-data rights (the
    analyst: "read all, no personal data export") see that it exists but cannot download it.
    """
    case = selectors.case_get(user=request.user, number=number)
    if case is None or not can_view_personal_data(request.user):
        raise Http404
    attachment = CaseAttachment.objects.filter(case=case, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    accessed.send(sender=CaseAttachment, instance=attachment)  # the download is audited
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    customer = None
    customer_no = request.GET.get("customer") or request.POST.get("customer") or ""
    if customer_no:
        customer = customer_selectors.customer_get(user=user, customer_no=customer_no)
        if customer is None:
            raise Http404
    units = restrict(OrgUnit.objects.order_by("path"), user)
    initial = {"org_unit": customer.home_unit_id} if customer is not None else {}
    form = CaseCreateForm(request.POST or None, units=units, initial=initial)
    error, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                case = services.case_create(user=user, kind=d["kind"], channel=d["channel"], org_unit=d["org_unit"],
                                            subject=d["subject"], description=d["description"], customer=customer,
                                            category=d["category"], severity=d["severity"],
                                            resolved_during_contact=d["resolved_now"], resolution=d["resolution"],
                                            root_cause=d["root_cause"])
            except ApplicationError as exc:  # AccessDenied included
                error = exc.message
                status = 403 if isinstance(exc, AccessDenied) else 400
            else:
                return HttpResponseRedirect(reverse("voc:detail", args=[case.number]))
    return render(request, "voc/create.html", {"form": form, "customer": customer, "error": error}, status=status)


# --- public form (no account) ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_public(request: HttpRequest) -> HttpResponse:
    form = PublicCaseForm(request.POST or None, request.FILES or None, branches=public_branches())
    error, status = None, 200
    if request.method == "POST":
        if rate_limited(f"case-submissions:{client_address(request)}", limit=RATE_LIMIT, window=RATE_WINDOW):
            error, status = _("Too many requests from your network in the last hour. Please try again later."), 429
        elif form.is_valid():
            d = form.cleaned_data
            try:
                case = case_create_public(branch=d["branch"], kind=d["kind"], subject=d["subject"],
                                          description=d["description"], name=d["name"], contact=d["contact"],
                                          upload=d.get("attachment"))
            except ApplicationError as exc:
                error, status = exc.message, 400
            else:
                # The number travels in the session, not the URL: a guessed URL shows nothing.
                request.session["public_case_number"] = case.number
                return HttpResponseRedirect(reverse("voc_public:thanks"))
        else:
            status = 400
    return render(request, "voc/public_form.html", {"form": form, "error": error}, status=status)


def case_public_thanks(request: HttpRequest) -> HttpResponse:
    number = request.session.get("public_case_number")
    if not number:
        return HttpResponseRedirect(reverse("voc_public:new"))
    return render(request, "voc/public_thanks.html", {"number": number})
