from django.urls import path

from jifen.portal.views import branch, member, parent

app_name = "portal"

urlpatterns = [
    path("", member.index, name="index"),
    path("me/", member.me, name="me"),
    path("me/scores/<int:year>/", member.my_scores, name="my_scores"),
    path("me/declare/", member.declare, name="declare"),
    path("me/declarations/", member.my_declarations, name="my_declarations"),
    path("me/declarations/<int:pk>/withdraw/", member.withdraw, name="withdraw"),
    path("evidence/<int:pk>/", member.evidence, name="evidence"),
    path("branch/<int:branch_id>/", branch.branch_home, name="branch"),
    path("branch/<int:branch_id>/review/", branch.review, name="review"),
    path("branch/<int:branch_id>/review/bulk/", branch.review_bulk, name="review_bulk"),
    path("branch/<int:branch_id>/review/<int:pk>/", branch.review_decide, name="review_decide"),
    path("branch/<int:branch_id>/record/", branch.committee_record, name="committee_record"),
    path("branch/<int:branch_id>/veto/", branch.veto_propose, name="veto_propose"),
    path("parent/<int:org_id>/", parent.parent_home, name="parent"),
    path(
        "parent/<int:org_id>/commendation/<int:pk>/",
        parent.commendation_decide,
        name="commendation_decide",
    ),
    path("parent/<int:org_id>/veto/<int:pk>/", parent.veto_decide, name="veto_decide"),
]
