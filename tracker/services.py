"""Every write to learners' accounts."""

from django.contrib.auth.models import Group
from django.db import transaction

from tracker.curators import CURATORS_GROUP
from tracker.models import User


@transaction.atomic
def user_ensure(*, email: str, password: str, curator: bool = False) -> tuple[User, bool]:
    """Create the account if it does not exist, and set its password; (user, created)."""
    user, created = User.objects.get_or_create(email=email.lower())
    user.set_password(password)
    user.is_staff = curator or user.is_staff
    user.save()
    if curator:
        user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    return user, created
