from django.contrib.auth import views as auth_views
from django.urls import path

from jifen.web import health, passwords, sessions, views
from jifen.web.forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/<str:code>/", views.switch_language, name="language"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.FaviconView.as_view(), name="favicon"),
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.ReadinessView.as_view(), name="readyz"),
    path("password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("session/", sessions.session_status, name="session_status"),
]
