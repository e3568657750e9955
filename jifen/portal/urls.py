from django.urls import path
from django.views.generic import RedirectView

from jifen.portal.views import activities, attend, branch, cycle, member, parent

app_name = "portal"

QUARTER = "branch/<int:branch_id>/quarters/<int:year>/<int:number>/"
YEAR = "branch/<int:branch_id>/year/<int:year>/"

urlpatterns = [
    # The work of every role starts at the home page; the old address leads there.
    path("", RedirectView.as_view(pattern_name="home"), name="index"),
    path("me/", member.me, name="me"),
    path("me/scores/<int:year>/", member.my_scores, name="my_scores"),
    path("me/declare/", member.declare, name="declare"),
    path("me/declarations/", member.my_declarations, name="my_declarations"),
    path("me/declarations/<int:pk>/withdraw/", member.withdraw, name="withdraw"),
    path("me/notices/<int:pk>/object/", member.object_to_notice, name="object"),
    path("evidence/<int:pk>/", member.evidence, name="evidence"),
    path("me/activities/", attend.my_activities, name="my_activities"),
    path("me/activities/<int:pk>/", attend.my_activity, name="my_activity"),
    path("me/activities/<int:pk>/leave/", attend.leave_ask, name="leave_ask"),
    path("me/checkin/", attend.checkin_digits, name="checkin_digits"),
    # Short: it is encoded in the QR code, and a shorter link makes a code easier to scan.
    path("c/<int:pk>/<int:step>/<str:signature>/", attend.checkin, name="checkin"),
    path("activities/org/<int:org_id>/", activities.activity_list, name="activities"),
    path("activities/org/<int:org_id>/new/", activities.activity_plan, name="activity_plan"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity"),
    path("activities/<int:pk>/code/", activities.activity_code, name="activity_code"),
    path("activities/<int:pk>/tick/", activities.activity_tick, name="activity_tick"),
    path(
        "activities/<int:pk>/untick/<int:member_id>/",
        activities.activity_untick,
        name="activity_untick",
    ),
    path("activities/<int:pk>/close/", activities.activity_close, name="activity_close"),
    path("activities/<int:pk>/cancel/", activities.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/correct/", activities.activity_correct, name="activity_correct"),
    path("activities/leave/<int:pk>/", activities.leave_decide, name="leave_decide"),
    path(
        "branch/<int:branch_id>/review/activities/",
        activities.activity_points,
        name="activity_points",
    ),
    path(
        "branch/<int:branch_id>/record-book/<int:year>/",
        activities.record_book,
        name="record_book",
    ),
    path("branch/<int:branch_id>/", branch.branch_home, name="branch"),
    path("branch/<int:branch_id>/review/", branch.review, name="review"),
    path("branch/<int:branch_id>/members/", branch.roster, name="roster"),
    path("branch/<int:branch_id>/review/bulk/", branch.review_bulk, name="review_bulk"),
    path("branch/<int:branch_id>/review/<int:pk>/", branch.review_decide, name="review_decide"),
    path("branch/<int:branch_id>/record/", branch.committee_record, name="committee_record"),
    path("branch/<int:branch_id>/veto/", branch.veto_propose, name="veto_propose"),
    path("branch/<int:branch_id>/quarters/", cycle.quarters, name="quarters"),
    path(f"{QUARTER}confirm/", cycle.quarter_confirm, name="quarter_confirm"),
    path(f"{QUARTER}publish/", cycle.notice_publish, name="notice_publish"),
    path(f"{QUARTER}lock/", cycle.quarter_lock, name="quarter_lock"),
    path(f"{QUARTER}register/", cycle.register, name="register"),
    path("branch/<int:branch_id>/objections/", cycle.objections, name="objections"),
    path(
        "branch/<int:branch_id>/objections/<int:pk>/answer/",
        cycle.objection_answer,
        name="objection_answer",
    ),
    path(f"{YEAR}", cycle.year_page, name="year"),
    path(f"{YEAR}compute/", cycle.year_compute, name="year_compute"),
    path(f"{YEAR}submit/", cycle.year_submit, name="year_submit"),
    path(
        f"{YEAR}admonitions/<int:member_id>/",
        cycle.admonition_record,
        name="admonition_record",
    ),
    path(
        "branch/<int:branch_id>/admonitions/<int:pk>/follow-up/",
        cycle.admonition_follow_up,
        name="admonition_follow_up",
    ),
    path("branch/<int:branch_id>/grades/<int:pk>/", cycle.grade_finalise, name="grade_finalise"),
    path(
        "branch/<int:branch_id>/grades/<int:pk>/handling/",
        cycle.unqualified_handling,
        name="unqualified_handling",
    ),
    path("parent/<int:org_id>/", parent.parent_home, name="parent"),
    path("parent/<int:org_id>/appeals/<int:pk>/", parent.appeal_answer, name="appeal_answer"),
    path("parent/<int:org_id>/years/<int:pk>/", parent.year_review, name="year_review"),
    path(
        "parent/<int:org_id>/years/<int:pk>/withdraw-filing/",
        parent.year_filing_withdraw,
        name="year_filing_withdraw",
    ),
    path(
        "parent/<int:org_id>/commendation/<int:pk>/",
        parent.commendation_decide,
        name="commendation_decide",
    ),
    path("parent/<int:org_id>/veto/<int:pk>/", parent.veto_decide, name="veto_decide"),
]
