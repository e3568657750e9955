from django.urls import path

from jifen.insight import views

app_name = "insight"

urlpatterns = [
    path("notices/", views.public_notices, name="public_notices"),
    path("notices/<int:pk>/", views.public_notice, name="public_notice"),
    path("notices/archive/", views.notice_archive, name="notice_archive"),
    path("notices/archive/<int:pk>/", views.archived_notice, name="archived_notice"),
    path("dashboards/", views.dashboards, name="dashboards"),
    path("dashboards/<int:pk>/", views.dashboard, name="dashboard"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
