"""The pages of those who run activities (组织生活): the list, planning, the activity with its
attendance and leave, the check-in code on screen, closing, corrections, the committee's
decision on the proposed points, and the record book (台账)."""

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.activities import codes, services
from jifen.activities import selectors as activities
from jifen.activities.enums import ActivityState, Audience
from jifen.activities.models import Activity, LeaveRequest, Proposal
from jifen.errors import DomainError
from jifen.orgs import rules
from jifen.orgs.enums import OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation
from jifen.portal.forms import (
    ActivityEditForm,
    ActivityForm,
    CorrectionForm,
    LeaveDecisionForm,
    MinutesForm,
    PeriodForm,
    PointsDecisionForm,
    ReasonForm,
    TickForm,
)
from jifen.portal.selectors import recent_months
from jifen.portal.views.common import form_errors, run, today, work_branch, year_param

BOOK_ROLES = (RoleKind.COMMITTEE, RoleKind.SECRETARY, RoleKind.REVIEWER, RoleKind.ADMIN)


def _run_org(user, org_id: int) -> Organisation:
    return get_object_or_404(activities.run_organisations(user), pk=org_id)


def _run_activity(user, pk: int) -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("organisation", "kind", "leader"), pk=pk
    )
    if not rules.can_run_activities(user, activity.organisation):
        raise Http404("not an activity the user runs")
    return activity


def _home(org: Organisation) -> Organisation:
    """The organisation whose pages an activity belongs to: a group's branch."""
    return rules.activity_branch(org) or org


def _page(org: Organisation, **context) -> dict:
    home = _home(org)
    return {"org": home, "branch": home if home.is_branch else None, **context}


@login_required
def activity_list(request, org_id: int):
    org = _run_org(request.user, org_id)
    year = year_param(request)
    context = _page(
        org,
        year=year,
        activities=activities.organisation_activities(org, year),
        kinds=activities.activity_kinds(org, year),
    )
    return render(request, "portal/activities/list.html", context)


def _activity_form(request, org: Organisation):
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    start += datetime.timedelta(hours=1)
    initial = {
        "organisation": org,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "audience": Audience.ALL,
        "kind": request.GET.get("kind"),
    }
    return ActivityForm(
        request.POST or None,
        organisers=activities.organisers(org),
        kinds=activities.activity_kinds(org, start.year),
        groups=Organisation.objects.filter(parent=org, kind=OrgKind.GROUP),
        members=activities.expectable_members(org),
        initial=initial,
    )


@login_required
def activity_plan(request, org_id: int):
    org = _run_org(request.user, org_id)
    form = _activity_form(request, org)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_plan(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                plan=services.Plan(**form.plan_fields()),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The activity is planned; the members are notified."))
            return redirect("portal:activity", activity.pk)
    return render(request, "portal/activities/plan.html", _page(org, form=form))


@login_required
def activity_detail(request, pk: int):
    activity = _run_activity(request.user, pk)
    rows = activities.activity_sheet(activity)
    members = Member.objects.filter(pk__in=[row.member.pk for row in rows])
    edit = ActivityEditForm(
        initial={
            "title": activity.title,
            "starts_at": timezone.localtime(activity.starts_at),
            "ends_at": timezone.localtime(activity.ends_at),
            "place": activity.place,
            "minutes": activity.minutes,
        }
    )
    context = _page(
        activity.organisation,
        activity=activity,
        rows=rows,
        checked_in=sum(1 for row in rows if row.checkin),
        waiting=[
            (leave, LeaveDecisionForm(prefix=f"l{leave.pk}"))
            for leave in activities.waiting_leave(activity)
        ],
        planned=activity.state == ActivityState.PLANNED,
        closed=activity.state == ActivityState.CLOSED,
        close_form=MinutesForm(initial={"minutes": activity.minutes}),
        edit_form=edit,
        minutes_form=MinutesForm(initial={"minutes": activity.minutes}),
        cancel_form=ReasonForm(),
        correction_form=CorrectionForm(members=members),
    )
    return render(request, "portal/activities/detail.html", context)


def _back(activity: Activity):
    return redirect("portal:activity", activity.pk)


@login_required
@require_POST
def activity_tick(request, pk: int):
    activity = _run_activity(request.user, pk)
    form = TickForm(
        request.POST, members=Member.objects.filter(activities_expected__activity=activity)
    )
    if not form.is_valid():
        messages.error(request, _("Choose the members who came."))
        return _back(activity)
    ids = [m.pk for m in form.cleaned_data["members"]]
    try:
        ticked = services.attendance_tick(actor=request.user, activity=activity, member_ids=ids)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d members ticked as present.") % {"count": ticked})
    return _back(activity)


@login_required
@require_POST
def activity_untick(request, pk: int, member_id: int):
    activity = _run_activity(request.user, pk)
    member = get_object_or_404(Member, pk=member_id, activities_expected__activity=activity)
    run(
        request,
        services.attendance_untick,
        _("The check-in of %(member)s is taken back.") % {"member": member.name},
        activity=activity,
        member=member,
    )
    return _back(activity)


def _submit(request, activity: Activity, form, call, message: str):
    """Validate the form, then call the one service with its data; both refusals become the
    page's error message."""
    if form.is_valid():
        run(request, call, message, activity=activity, **form.cleaned_data)
    else:
        messages.error(request, form_errors(form))
    return _back(activity)


@login_required
@require_POST
def activity_close(request, pk: int):
    activity = _run_activity(request.user, pk)
    message = _("The activity is closed; its points go to the committee's review.")
    return _submit(request, activity, MinutesForm(request.POST), services.activity_close, message)


@login_required
@require_POST
def activity_cancel(request, pk: int):
    activity = _run_activity(request.user, pk)
    message = _("The activity is cancelled; the members are told.")
    return _submit(request, activity, ReasonForm(request.POST), services.activity_cancel, message)


@login_required
@require_POST
def activity_edit(request, pk: int):
    activity = _run_activity(request.user, pk)
    form_class = MinutesForm if activity.state == ActivityState.CLOSED else ActivityEditForm
    message = _("The activity is saved.")
    return _submit(request, activity, form_class(request.POST), services.activity_update, message)


@login_required
@require_POST
def activity_correct(request, pk: int):
    activity = _run_activity(request.user, pk)
    form = CorrectionForm(
        request.POST, members=Member.objects.filter(activities_expected__activity=activity)
    )
    message = _("The attendance is corrected; its points go to the committee's review.")
    return _submit(request, activity, form, services.attendance_correct, message)


@login_required
@require_POST
def leave_decide(request, pk: int):
    leave = get_object_or_404(LeaveRequest.objects.select_related("activity"), pk=pk)
    activity = _run_activity(request.user, leave.activity_id)
    form = LeaveDecisionForm(request.POST, prefix=f"l{leave.pk}")
    if form.is_valid():
        message = _("The leave request of %(member)s is decided.") % {"member": leave.member.name}
        run(request, services.leave_decide, message, leave=leave, **form.cleaned_data)
    else:
        messages.error(request, form_errors(form))
    return _back(activity)


def _qr(url: str) -> str:
    # Inline SVG made on the server: no script, no CDN; the phone's camera opens the link.
    return segno.make(url, error="m").svg_inline(scale=8, omitsize=True, border=2)


@login_required
def activity_code(request, pk: int):
    """The check-in code on the screen: a QR code of a link signed for this minute and the six
    digits to type. Under htmx only the code comes back, polled every few seconds."""
    activity = _run_activity(request.user, pk)
    now = timezone.now()
    opens, closes = codes.window(activity)
    code = codes.current(activity, now)
    link = request.build_absolute_uri(
        reverse("portal:checkin", args=[activity.pk, code.step, code.signature])
    )
    context = _page(
        activity.organisation,
        activity=activity,
        open=activity.state == ActivityState.PLANNED and opens <= now <= closes,
        opens=opens,
        closes=closes,
        code=code,
        link=link,
        qr=_qr(link),
        checked_in=activity.checkins.count(),
        expected=activity.expected.count(),
    )
    template = "portal/activities/_code.html" if request.htmx else "portal/activities/code.html"
    return render(request, template, context)


# ---------------------------------------------------------------- the committee's decision


def _month(request) -> tuple[int, int]:
    return PeriodForm(request.GET).month(today())


@login_required
def activity_points(request, branch_id: int):
    """The month's points from activities, by activity: one decision for each set."""
    branch = work_branch(request.user, branch_id)
    if request.method == "POST":
        return _decide(request, branch)
    year, month = _month(request)
    groups = activities.proposals_for_review(branch, year, month)
    context = {
        "branch": branch,
        "year": year,
        "month": month,
        "groups": groups,
        "months": recent_months(today()),
    }
    return render(request, "portal/activities/points.html", context)


def _decide(request, branch):
    queryset = Proposal.objects.filter(branch=branch).select_related("member", "item")
    form = PointsDecisionForm(request.POST, queryset=queryset)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("portal:activity_points", branch.pk)
    chosen = list(form.cleaned_data["proposals"])
    outcomes = services.proposals_decide(
        actor=request.user,
        proposals=chosen,
        approve=form.cleaned_data["approve"],
        reason=form.cleaned_data["reason"],
    )
    decided = sum(1 for outcome in outcomes if not outcome.error)
    if decided:
        messages.success(request, _("%(count)d points decided.") % {"count": decided})
    for outcome in outcomes:
        if outcome.error:
            messages.error(request, f"{outcome.proposal.member.name}{_(': ')}{outcome.error}")
    first = chosen[0]
    url = reverse("portal:activity_points", args=[branch.pk])
    return redirect(f"{url}?period={first.year}-{first.month:02d}")


# ---------------------------------------------------------------- the record book


@login_required
def record_book(request, branch_id: int, year: int):
    branches = rules.visible_organisations(request.user, BOOK_ROLES).filter(kind=OrgKind.BRANCH)
    branch = get_object_or_404(branches, pk=branch_id)
    book = activities.record_book(branch, year, today())
    # Reviewers and admins read the book; only those who run the activities open each one.
    runs = rules.can_run_activities(request.user, branch)
    context = {"branch": branch, "org": branch, "year": year, "book": book, "runs": runs}
    return render(request, "portal/activities/book.html", context)
