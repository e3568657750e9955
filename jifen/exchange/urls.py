from django.urls import path

from jifen.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("roster/template/", views.roster_template, name="roster_template"),
    path("roster/import/", views.roster_upload, name="roster_upload"),
    path("schemes/<int:scheme_id>/items/template/", views.items_template, name="items_template"),
    path("schemes/<int:scheme_id>/items/import/", views.items_upload, name="items_upload"),
    path("uploads/<uuid:upload_id>/", views.upload_preview, name="upload_preview"),
    path("branches/<int:branch_id>/", views.branch_exports, name="branch_exports"),
    path("branches/<int:branch_id>/<slug:name>/", views.branch_export, name="branch_export"),
    path("members/<int:member_id>/<slug:name>/", views.member_export, name="member_export"),
    path("evidence/<slug:name>/", views.evidence_export, name="evidence_export"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:job_id>/download/", views.job_download, name="job_download"),
]
