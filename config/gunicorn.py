"""gunicorn's settings for Pathwise: `gunicorn -c config/gunicorn.py config.wsgi`.

gunicorn writes its access and error logs itself, outside Django's LOGGING, and both can carry
request lines: the access log each request's, the error log each path at debug level and the
first line of a bad request. Paths can hold secrets (the token of a one-click unsubscribe link),
so the filter that cleans the application's log (config/log_redaction.py) cleans these too.
Bind address, workers and where the logs go stay on the command line."""

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from config.log_redaction import RedactSecrets


class RedactingLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        # On the two loggers, not on their handlers: every handler gunicorn makes (file, stdout,
        # syslog, a logconfig) then writes redacted records only. setup runs again on each
        # reload (SIGHUP), so the filter is added once.
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(RedactSecrets())


logger_class = RedactingLogger
