"""The embedded default's broker: kombu's filesystem transport, with each message written whole
before a worker can see it.

kombu's `_put` creates the message's file under its final name and then writes it. A worker that
lists the folder in between takes the empty file, cannot decode it and stops ("Unrecoverable
error: JSONDecodeError"), and the message is gone (celery/kombu#1551, open). It takes a busy
minute to happen: bench B9's 16 learners hit it within 30 s. Here the message is written under
a name no queue reads (`<name>.part`) and renamed into place, which is atomic on one
filesystem; the rest is kombu's. config/celery_app.py installs it as `filesystem://` in every
process (web, worker, beat, manage.py), so the URL and an override of it (`celery -b redis://`)
mean what they say.
"""

import contextlib
import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # The signature of kombu's filesystem Channel (its stubs disagree with their own base).
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        # kombu's name: sorted by time, then a queue reads only `*.<queue>.msg`.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        partial = f"{path}.part"
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {path!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def install() -> None:
    """Make `filesystem://` this transport in this process: kombu resolves a URL's scheme through
    TRANSPORT_ALIASES (and caches it), so this runs before any connection is made."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
