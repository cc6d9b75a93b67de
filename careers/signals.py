"""What the careers catalogue tells the learner side, which it never imports (DESIGN §2: the
learner side, `tracker/receivers.py`, listens).

`requirements_changed`
    Roles or their requirement matrices were saved or deleted (the admin). Any learner's
    readiness may have changed. Sent inside the transaction of the change, with the model class
    as `sender` and no other arguments; a receiver that raises rolls the change back.

`learner_page_context`
    A public catalogue page (roles, compare) asks what it may show the visitor as a learner.
    Sent with `request`; each receiver returns a dict (empty for a visitor who is not signed in)
    and the page merges them into its template context.
"""

from django.dispatch import Signal

requirements_changed = Signal()
learner_page_context = Signal()
