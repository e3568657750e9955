from django.contrib.auth import views as auth_views
from django.urls import path

from jifen.web import passwords, sessions, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("session/", sessions.session_status, name="session_status"),
]
