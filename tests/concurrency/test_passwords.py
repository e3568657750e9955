"""Password changes of one user at once: the history keeps exactly the last N hashes and the
password state one row, as each change locks the user first."""

from django.contrib.auth import get_user_model

from jifen.accounts.models import PasswordHistory, PasswordState
from tests.concurrency.parallel import run_parallel, same_work


def test_eight_simultaneous_changes_keep_exactly_the_last_five(world):
    user = get_user_model().objects.create_user(username="alice")

    def change(i):
        fresh = get_user_model().objects.get(pk=user.pk)
        fresh.set_password(f"Paralleles-Passwort-{i}")
        fresh.save()

    outcomes = run_parallel(same_work(8, change))

    assert [o.error for o in outcomes] == [None] * 8
    assert PasswordHistory.objects.filter(user=user).count() == 5
    assert PasswordState.objects.filter(user=user).count() == 1
