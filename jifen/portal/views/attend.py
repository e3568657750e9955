"""The member's side of activities: the activities one is expected at, asking for leave, and
checking in, by the QR code's link or by typing the six digits."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.activities import codes, services
from jifen.activities import selectors as activities
from jifen.activities.enums import ActivityState
from jifen.activities.models import Activity
from jifen.errors import DomainError, http_status
from jifen.portal.forms import DigitsForm, ReasonForm
from jifen.portal.views.common import form_errors, own_member, run

# A browser that scanned a valid code and then had to sign in may still use it this long.
SCAN_GRACE = datetime.timedelta(minutes=10)
SCAN = "jifen.checkin.scan"


@login_required
def my_activities(request):
    member = own_member(request.user)
    context = {
        "member": member,
        "rows": activities.member_activities(member)[:100],
        "digits_form": DigitsForm(),
        "now": timezone.now(),
    }
    return render(request, "portal/activities/mine.html", context)


def _own_activity(member, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("kind", "organisation"), pk=pk, expected__member=member
    )


@login_required
def my_activity(request, pk: int):
    member = own_member(request.user)
    activity = _own_activity(member, pk)
    now = timezone.now()
    opens, closes = codes.window(activity)
    planned = activity.state == ActivityState.PLANNED
    context = {
        "member": member,
        "activity": activity,
        "expected": activities.expected_row(activity, member),
        "checkin": activities.checkin_of(activity, member),
        "leave": activities.leave_of(activity, member),
        "may_ask_leave": planned and now < activity.starts_at,
        "checkin_open": planned and opens <= now <= closes,
        "opens": opens,
        "leave_form": ReasonForm(),
        "digits_form": DigitsForm(),
    }
    return render(request, "portal/activities/my_activity.html", context)


@login_required
@require_POST
def leave_ask(request, pk: int):
    member = own_member(request.user)
    activity = _own_activity(member, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        message = _("Your leave request has gone to the secretary.")
        run(request, services.leave_ask, message, activity=activity, **form.cleaned_data)
    else:
        messages.error(request, form_errors(form))
    return redirect("portal:my_activity", activity.pk)


@login_required
@require_POST
def checkin_digits(request):
    member = own_member(request.user)
    form = DigitsForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("portal:my_activities")
    try:
        checkin = services.checkin_by_digits(
            actor=request.user, member=member, digits=form.cleaned_data["digits"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("portal:my_activities")
    messages.success(request, _checked_in(checkin))
    return redirect("portal:my_activity", checkin.activity_id)


def _checked_in(checkin) -> str:
    return _("Checked in to “%(title)s” at %(time)s.") % {
        "title": checkin.activity.title,
        "time": timezone.localtime(checkin.at).strftime("%H:%M"),
    }


def _scanned_at(request, pk: int, step: int, signature: str) -> datetime.datetime | None:
    """When this browser opened the same link before it signed in, if lately."""
    scan = request.session.get(SCAN) or {}
    if scan.get("link") != [pk, step, signature]:
        return None
    at = parse_datetime(scan.get("at", ""))
    return at if at and timezone.now() - at <= SCAN_GRACE else None


def checkin(request, pk: int, step: int, signature: str):
    """The link in the QR code. Opening it checks the signed-in member in, once. The link is
    signed for the minute it was shown (a photo passed around later fails); a member who must
    sign in first has the moment of the scan remembered in the session, so that signing in
    does not make the code expire."""
    activity = get_object_or_404(Activity.objects.select_related("kind"), pk=pk)
    now = timezone.now()
    if not request.user.is_authenticated:
        if codes.signature_valid(activity, step, signature) and step in codes.accepted_steps(now):
            request.session[SCAN] = {"link": [pk, step, signature], "at": now.isoformat()}
        return redirect_to_login(request.get_full_path())
    member = own_member(request.user)
    try:
        done = services.checkin_by_link(
            actor=request.user,
            activity=activity,
            member=member,
            step=step,
            signature=signature,
            now=now,
            scanned_at=_scanned_at(request, pk, step, signature),
        )
    except DomainError as error:
        context = {"activity": activity, "error": error.message}
        return render(
            request, "portal/activities/checked_in.html", context, status=http_status(error)
        )
    request.session.pop(SCAN, None)
    context = {"activity": activity, "message": _checked_in(done), "checkin": done}
    return render(request, "portal/activities/checked_in.html", context)
