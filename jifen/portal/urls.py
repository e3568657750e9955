from django.urls import path
from django.views.generic import RedirectView

from jifen.portal.views import branch, cycle, member, parent

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
    path("branch/<int:branch_id>/", branch.branch_home, name="branch"),
    path("branch/<int:branch_id>/review/", branch.review, name="review"),
    path("branch/<int:branch_id>/members/", branch.roster, name="roster"),
    path("branch/<int:branch_id>/review/bulk/", branch.review_bulk, name="review_bulk"),
    path("branch/<int:branch_id>/review/<int:pk>/", branch.review_decide, name="review_decide"),
    path("branch/<int:branch_id>/record/", branch.committee_record, name="committee_record"),
    path("branch/<int:branch_id>/veto/", branch.veto_propose, name="veto_propose"),
    path("branch/<int:branch_id>/quarters/", cycle.quarters, name="quarters"),
    path("branch/<int:branch_id>/meetings/", cycle.meeting_record, name="meeting_record"),
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
