"""A logging filter that keeps secrets and personal data out of the logs: JWTs and bearer
tokens, one-click unsubscribe tokens, password fields, and email addresses (shown as
a***@example.com). Every handler that writes request lines uses it: the LOGGING setting's, and
gunicorn's access and error logs (config/gunicorn.py)."""

import logging
import re

_JWT = re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]+")
_BEARER = re.compile(r"(?i)\b(bearer|token)\s+[\w.~+/=-]{8,}")
_PASSWORD = re.compile(r"(?i)(\"?password\d?\"?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|\S+)")
# The signed token in a reminder's unsubscribe link (tracker/urls.py) never expires: anyone who
# reads it in a request line could unsubscribe that learner.
_UNSUBSCRIBE = re.compile(r"(/unsubscribe/)[^/\s?#\"']+")
_EMAIL = re.compile(r"\b([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)\b")


def redact(text: str) -> str:
    text = _UNSUBSCRIBE.sub(r"\1[token]", text)
    text = _JWT.sub("[token]", text)
    text = _BEARER.sub(r"\1 [token]", text)
    text = _PASSWORD.sub(r"\1[redacted]", text)
    return _EMAIL.sub(r"\1***@\2", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
