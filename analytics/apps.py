from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        # Curator analytics refresh when the catalogue publishes a path (paths never imports us).
        from analytics import receivers

        receivers.connect()
