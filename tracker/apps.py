from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Learners"

    def ready(self) -> None:
        # allauth 65.21 reaches cryptography...serialization through a lazy proxy that does
        # not import it; once cryptography.hazmat is loaded by pyjwt the attribute is missing.
        import cryptography.hazmat.primitives.serialization  # noqa: F401

        # The learner side listens to the catalogue's signals (careers and paths never import it).
        from tracker import receivers

        receivers.connect()
