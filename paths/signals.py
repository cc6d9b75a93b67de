"""What the paths catalogue tells the learner side, which it never imports (DESIGN §2: the
learner side, `tracker/receivers.py`, listens). Each is sent inside the transaction of the
change, so a receiver's writes commit or roll back with it.

`path_steps_changed`
    The steps of a published path, or the skill levels they teach, changed (the admin). Sent
    with `path_id`; the learners with progress on that path may have another readiness.

`path_published`
    A path was published, or a draft copy was applied onto its published path
    (paths/services.py). Sent with `path_id`, the published path's; the learner side refreshes
    its curator analytics of that path.

`catalogue_loaded`
    The catalogue loader created or updated rows (requirements, step levels, ...). Sent with
    no other arguments: any learner's readiness may have changed.
"""

from django.dispatch import Signal

path_steps_changed = Signal()
path_published = Signal()
catalogue_loaded = Signal()
