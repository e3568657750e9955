"""The branch's quarterly and yearly pages: confirmation at the general meeting, the register,
the notice, objections, and the year's grades with what follows from them."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.activities.selectors import activity_kinds
from jifen.cycle import selectors as cycle
from jifen.cycle import services as cycle_services
from jifen.cycle.dates import quarter_end
from jifen.cycle.enums import ObjectionKind, QuarterState
from jifen.cycle.models import Admonition, MemberGrade, Objection
from jifen.portal import selectors
from jifen.portal.forms import (
    AdmonitionForm,
    AnswerForm,
    ConfirmForm,
    FollowUpForm,
    GradeForm,
    HandlingForm,
)
from jifen.portal.views.common import form_errors, run, today, work_branch, year_param


@dataclass(frozen=True)
class QuarterCard:
    row: selectors.QuarterRow
    ended: bool
    meetings: list  # for an open quarter that has ended: the meetings that can confirm it


@login_required
def quarters(request, branch_id: int):
    branch = work_branch(request.user, branch_id)
    year = year_param(request)
    meetings = cycle.general_meetings(branch).filter(year__in=[year, year + 1])
    cards = []
    for row in selectors.quarter_rows(branch, year):
        number = row.quarter.number
        ended = quarter_end(year, number) < today()
        confirmable = row.quarter.state == QuarterState.OPEN and ended
        choices = list(cycle.confirming_meetings(branch, year, number)) if confirmable else []
        cards.append(QuarterCard(row, ended, choices))
    context = {
        "branch": branch,
        "year": year,
        "cards": cards,
        "meetings": meetings,
        "general_kind": _general_kind(branch, year),
    }
    return render(request, "portal/quarters.html", context)


def _general_kind(branch, year: int):
    return activity_kinds(branch, year).filter(confirms_quarters=True).first()


def _step_quarter(branch, year: int, number: int):
    if number not in (1, 2, 3, 4):
        raise Http404("no such quarter")
    return cycle.quarter_for(branch, year, number)


def _step_url(name: str, branch, year: int, number: int) -> str:
    return reverse(name, args=[branch.pk, year, number])


def _step(request, branch, quarter, step: str, **extra):
    """The page before a step that cannot be undone: what it will do, and the button."""
    context = {"branch": branch, "quarter": quarter, "step": step, **extra}
    return render(request, "portal/quarter_step.html", context)


@login_required
def quarter_confirm(request, branch_id: int, year: int, number: int):
    """GET: what confirming the quarter does, its register as confirming would fill it now, and
    the general meetings that can confirm it (the right one chosen). POST: confirm it."""
    branch = work_branch(request.user, branch_id)
    quarter = _step_quarter(branch, year, number)
    if request.method == "POST":
        form = ConfirmForm(request.POST, meetings=cycle.general_meetings(branch))
        if not form.is_valid():
            messages.error(request, _("Choose the general meeting that confirmed the quarter."))
        elif run(
            request,
            cycle_services.quarter_confirm,
            _("The quarter is confirmed and its register filled."),
            branch=branch,
            year=year,
            quarter=number,
            meeting=form.cleaned_data["meeting"],
        ):
            return redirect(quarters_url(branch, year))
        return redirect(_step_url("portal:quarter_confirm", branch, year, number))
    is_open = quarter.state == QuarterState.OPEN
    return _step(
        request,
        branch,
        quarter,
        "confirm",
        ended=quarter_end(year, number) < today(),
        meetings=list(cycle.confirming_meetings(branch, year, number)) if is_open else [],
        rows=cycle.register_preview(quarter) if is_open else [],
        waiting=cycle.declarations_waiting(branch, year, number).count() if is_open else 0,
        general_kind=_general_kind(branch, year),
    )


@login_required
def notice_publish(request, branch_id: int, year: int, number: int):
    """GET: what posting the notice does, with the register it posts. POST: post it."""
    branch = work_branch(request.user, branch_id)
    quarter = _step_quarter(branch, year, number)
    if request.method == "POST":
        run(
            request,
            cycle_services.notice_publish,
            _("The results are posted on the public notice page."),
            branch=branch,
            year=year,
            quarter=number,
        )
        return redirect(quarters_url(branch, year))
    confirmed = quarter.state == QuarterState.CONFIRMED
    rows = cycle.register_rows(quarter) if confirmed else []
    return _step(request, branch, quarter, "publish", rows=rows)


@login_required
def quarter_lock(request, branch_id: int, year: int, number: int):
    """GET: what locking the quarter does. POST: lock it."""
    branch = work_branch(request.user, branch_id)
    quarter = _step_quarter(branch, year, number)
    if request.method == "POST":
        run(
            request,
            cycle_services.quarter_lock,
            _("The quarter is locked."),
            branch=branch,
            year=year,
            quarter=number,
        )
        return redirect(quarters_url(branch, year))
    return _step(request, branch, quarter, "lock", rows=[])


@login_required
def register(request, branch_id: int, year: int, number: int):
    """The 《党员积分登记表》 of a confirmed quarter, on screen and for print."""
    branch = work_branch(request.user, branch_id)
    quarter = cycle.quarter_for(branch, year, number)
    rows = list(cycle.register_rows(quarter)) if quarter.pk else []
    notes = cycle.register_notes(quarter) if quarter.pk else {}
    for row in rows:
        # The corrections after the notice, for the 备注 column.
        row.notes = notes.get(row.member_id, [])
    context = {"branch": branch, "quarter": quarter, "rows": rows}
    return render(request, "portal/register.html", context)


def answer_form(objection, data=None):
    entries, items = selectors.correctable(objection)
    return AnswerForm(
        data,
        entries=entries,
        items=items,
        months=objection.notice.months,
        prefix=f"o{objection.pk}",
    )


@login_required
def objections(request, branch_id: int):
    branch = work_branch(request.user, branch_id)
    waiting = cycle.open_objections(branch).filter(kind=ObjectionKind.OBJECTION)
    context = {
        "branch": branch,
        "waiting": [(o, answer_form(o)) for o in waiting],
        "appeals": cycle.open_objections(branch).filter(kind=ObjectionKind.APPEAL),
        "answers": cycle.answers_to_report(branch),
    }
    return render(request, "portal/objections.html", context)


@login_required
@require_POST
def objection_answer(request, branch_id: int, pk: int):
    branch = work_branch(request.user, branch_id)
    objection = get_object_or_404(Objection, pk=pk, notice__branch=branch)
    answer(request, objection)
    return redirect("portal:objections", branch.pk)


def answer(request, objection) -> None:
    """Shared by the branch (objections) and the parent organisation (appeals)."""
    form = answer_form(objection, request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return
    run(
        request,
        cycle_services.objection_answer,
        _("The answer has been recorded."),
        objection=objection,
        **form.cleaned_data,
    )


@login_required
def year_page(request, branch_id: int, year: int):
    branch = work_branch(request.user, branch_id)
    result = cycle.year_result_for(branch, year)
    grades = cycle.member_grades(result) if result else []
    levels = selectors.grade_levels(branch, year)
    context = {
        "branch": branch,
        "year": year,
        "result": result,
        "filings": cycle.year_filings(result) if result else [],
        "grades": [(g, GradeForm(levels=levels, prefix=f"g{g.pk}")) for g in grades],
        "admonitions": selectors.admonitions(branch, year),
        "handlings": selectors.handlings(result),
        "admonition_form": AdmonitionForm(),
        "follow_up_form": FollowUpForm(),
        "handling_form": HandlingForm(),
        "quarters": selectors.quarter_rows(branch, year),
        "unqualified_codes": {level.code for level in levels if level.is_unqualified},
    }
    return render(request, "portal/year.html", context)


@login_required
@require_POST
def year_compute(request, branch_id: int, year: int):
    branch = work_branch(request.user, branch_id)
    message = _("The year's scores, ranks and suggested grades are computed.")
    run(request, cycle_services.year_compute, message, branch=branch, year=year)
    return redirect("portal:year", branch.pk, year)


def _grade(request, branch, pk) -> MemberGrade:
    return get_object_or_404(
        MemberGrade.objects.select_related("year_result"), pk=pk, year_result__branch=branch
    )


@login_required
@require_POST
def grade_finalise(request, branch_id: int, pk: int):
    branch = work_branch(request.user, branch_id)
    grade = _grade(request, branch, pk)
    levels = selectors.grade_levels(branch, grade.year_result.year)
    form = GradeForm(request.POST, levels=levels, prefix=f"g{grade.pk}")
    if form.is_valid():
        message = _("The final grade has been recorded.")
        run(
            request, cycle_services.grade_finalise, message, member_grade=grade, **form.cleaned_data
        )
    else:
        messages.error(request, form_errors(form))
    return redirect("portal:year", branch.pk, grade.year_result.year)


@login_required
@require_POST
def admonition_record(request, branch_id: int, year: int, member_id: int):
    branch = work_branch(request.user, branch_id)
    member = get_object_or_404(selectors.branch_members(branch, year, 12), pk=member_id)
    form = AdmonitionForm(request.POST)
    if form.is_valid():
        message = _("The admonition talk has been recorded.")
        fields = form.cleaned_data
        run(request, cycle_services.admonition_record, message, member=member, year=year, **fields)
    else:
        messages.error(request, form_errors(form))
    return redirect("portal:year", branch.pk, year)


@login_required
@require_POST
def admonition_follow_up(request, branch_id: int, pk: int):
    branch = work_branch(request.user, branch_id)
    admonition = get_object_or_404(Admonition, pk=pk, member__branch=branch)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        message = _("The follow-up has been recorded.")
        fields = form.cleaned_data
        run(request, cycle_services.admonition_follow_up, message, admonition=admonition, **fields)
    else:
        messages.error(request, form_errors(form))
    return redirect("portal:year", branch.pk, admonition.year)


@login_required
@require_POST
def unqualified_handling(request, branch_id: int, pk: int):
    branch = work_branch(request.user, branch_id)
    grade = _grade(request, branch, pk)
    form = HandlingForm(request.POST)
    if form.is_valid():
        message = _("The handling of the case has been recorded.")
        call = cycle_services.unqualified_handling_record
        run(request, call, message, member_grade=grade, **form.cleaned_data)
    else:
        messages.error(request, form_errors(form))
    return redirect("portal:year", branch.pk, grade.year_result.year)


@login_required
@require_POST
def year_submit(request, branch_id: int, year: int):
    branch = work_branch(request.user, branch_id)
    result = cycle.year_result_for(branch, year)
    if result is None:
        messages.error(request, _("Compute the year's results first."))
    else:
        message = _("The year's results have gone to the parent organisation.")
        run(request, cycle_services.year_submit, message, year_result=result)
    return redirect("portal:year", branch.pk, year)


def quarters_url(branch, year: int) -> str:
    return f"{reverse('portal:quarters', args=[branch.pk])}?year={year}"
