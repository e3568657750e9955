from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jifen.web"

    def ready(self):
        from jifen.web import logs, passwords, sessions  # noqa: F401 (connect the sign-in receivers)
