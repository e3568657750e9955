from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jifen.web"

    def ready(self):
        from jifen.web import logs  # noqa: F401  (connects its sign-in receiver)
