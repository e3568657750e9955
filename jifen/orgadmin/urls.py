from django.urls import path

from jifen.orgadmin import views

app_name = "orgadmin"

urlpatterns = [
    path("", views.index, name="index"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/rename/", views.organisation_rename, name="organisation_rename"),
    path("organisations/<int:pk>/roles/", views.roles, name="roles"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("members/", views.members, name="members"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="member_transfer"),
    path("members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("members/<int:pk>/account/", views.member_account, name="member_account"),
    path("members/accounts/", views.accounts_create, name="accounts_create"),
    path("members/accounts/sheet/", views.accounts_sheet, name="accounts_sheet"),
    path("schemes/", views.schemes, name="schemes"),
    path("schemes/<int:pk>/", views.scheme, name="scheme"),
    path("schemes/<int:pk>/new-version/", views.scheme_new_version, name="scheme_new_version"),
    path("schemes/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path(
        "commendation-levels/<int:pk>/",
        views.commendation_level_edit,
        name="commendation_level_edit",
    ),
    path("grade-levels/<int:pk>/", views.grade_level_edit, name="grade_level_edit"),
    path(
        "schemes/<int:pk>/activity-kinds/new/",
        views.activity_kind_create,
        name="activity_kind_create",
    ),
    path("activity-kinds/<int:pk>/", views.activity_kind_edit, name="activity_kind_edit"),
    path(
        "activity-kinds/<int:pk>/remove/",
        views.activity_kind_remove,
        name="activity_kind_remove",
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("access-records/", views.access_records, name="access_records"),
]
