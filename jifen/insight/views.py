"""Public notices (no login), dashboards of branches and parent organisations, and the user's
to-dos and notifications."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jifen.cycle import selectors as cycle_selectors
from jifen.errors import DomainError
from jifen.insight import charts, selectors
from jifen.notifications.selectors import notifications_for
from jifen.notifications.services import notification_mark_read, reminders_settle
from jifen.orgs.models import Organisation
from jifen.scoring.selectors import grade_rows
from jifen.web.pagination import paginate
from jifen.web.personal import personal_page
from jifen.web.public import public_page

# Public pages render the navbar that is the same for everyone (base.html).
PUBLIC = {"public_page": True}


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


NOTICES_PER_PAGE = 20
ROWS_PER_PAGE = 100


def public_notices(request):
    """The notices posted now, a page at a time; the same for every reader, cached whole."""

    def page():
        today = timezone.localdate()
        notices = paginate(request, selectors.notices_listed(today), NOTICES_PER_PAGE)
        context = {"page": notices, "last_modified": selectors.notices_changed(today)}
        return TemplateResponse(request, "insight/public_notices.html", {**context, **PUBLIC})

    return public_page(request, page)


def public_notice(request, pk):
    """One notice, its rows a page at a time; the same for every reader, cached whole."""

    def page():
        notices = selectors.current_notices(timezone.localdate(), replaced=True)
        notice = get_object_or_404(notices, pk=pk)
        # A replaced version changes when its correction is posted.
        newer = notice.newer
        changed = max(notice.changed_at, newer.changed_at) if newer else notice.changed_at
        context = {
            "notice": notice,
            "anchor": cycle_selectors.notice_anchor(notice),
            "page": paginate(request, cycle_selectors.notice_rows(notice), ROWS_PER_PAGE),
            "corrections": cycle_selectors.notice_corrections(notice),
            "last_modified": changed,
        }
        return TemplateResponse(request, "insight/public_notice.html", {**context, **PUBLIC})

    return public_page(request, page)


@login_required
def notice_archive(request):
    notices = selectors.archived_notices(request.user)
    page = paginate(request, notices, NOTICES_PER_PAGE)
    context = {"page": page, "today": timezone.localdate()}
    return render(request, "insight/notice_archive.html", context)


@login_required
def archived_notice(request, pk):
    notice = get_object_or_404(selectors.archived_notices(request.user), pk=pk)
    context = {
        "notice": notice,
        "page": paginate(request, cycle_selectors.notice_rows(notice), ROWS_PER_PAGE),
        "anchor": cycle_selectors.notice_anchor(notice),
        "corrections": cycle_selectors.notice_corrections(notice),
        "closed": notice.appeals_close_on < timezone.localdate(),
    }
    return render(request, "insight/archived_notice.html", context)


@login_required
def dashboards(request):
    organisations = selectors.dashboard_organisations(request.user)
    return render(request, "insight/dashboards.html", {"organisations": organisations})


@login_required
def dashboard(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    if not selectors.can_see_dashboard(request.user, org):
        raise Http404("not a dashboard of the user's")

    def page():
        today = timezone.localdate()
        form = YearForm(request.GET or None, initial={"year": today.year})
        year = form.cleaned_data["year"] if form.is_valid() else today.year
        board = selectors.dashboard(org, year, today)
        rows = paginate(request, board.ranking)
        grade_rows(rows, board.schemes)
        context = {"board": board, "page": rows, "form": form, "charts": charts.chart_data(board)}
        return render(request, "insight/dashboard.html", context)

    return personal_page(request, org, page)


@login_required
def notifications(request):
    todos = cycle_selectors.todo_for(request.user, timezone.localdate())
    # Reminders of tasks done since the last look are settled before they are listed.
    reminders_settle(user=request.user, open_tasks={todo.task for todo in todos})
    context = {"todos": todos, "page": paginate(request, notifications_for(request.user))}
    return render(request, "insight/notifications.html", context)


@login_required
def notification_read(request, pk):
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        notification_mark_read(actor=request.user, notification=notification)
    except DomainError as error:
        messages.error(request, error.message)
    if not request.htmx:
        return redirect("insight:notifications")
    # The row comes back read, and the navbar's badge is updated out of band.
    unread = notifications_for(request.user, unread_only=True).count()
    context = {"notification": notification, "unread": unread}
    return render(request, "insight/_notification_read.html", context)
