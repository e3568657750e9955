"""Shared personas, as in healthchecks: everyone has a counterpart who must be refused.

The tree: 党委 → 党总支 → 第一支部 (branch) and 第二支部 (other_branch).
"""

import datetime
import os
from dataclasses import dataclass

import pytest
from django.db import connection

from jifen.audit import triggers as audit_triggers
from jifen.ledger import triggers
from jifen.orgs.enums import OrgKind, RoleKind
from jifen.orgs.models import Role
from jifen.schemes import services as scheme_services
from tests.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.migrations import migrate_to_latest

YEAR = 2026
# The year seen as closed, so that every month counts whatever day the tests run.
YEAR_END = datetime.date(YEAR, 12, 31)


@pytest.fixture(scope="session", autouse=True)
def _database_reachable(django_db_setup, django_db_blocker):
    """A database named by DATABASE_URL must answer: CI fails instead of skipping the suite."""
    if os.environ.get("DATABASE_URL"):
        with django_db_blocker.unblock():
            connection.ensure_connection()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a database file, not Django's in-memory one: tests that run requests in
    threads, or a worker in a process of its own, share it."""
    if connection.vendor == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture
def transactional_db(transactional_db):
    """pytest-django empties every table after a transactional test; the append-only triggers
    of the archive and the audit log would refuse that (SQLite empties with DELETE), so they are
    lifted for the emptying only and put back before the next test that commits."""
    triggers.install(connection)
    audit_triggers.install(connection)
    yield transactional_db
    triggers.remove(connection)
    audit_triggers.remove(connection)


@pytest.fixture
def latest_migrations_afterwards():
    """A test that migrates the database back leaves it at the latest migrations: the tests
    after it need every table (and the emptying after it, the tables it flushes)."""
    yield
    migrate_to_latest()


@pytest.fixture(autouse=True)
def _triggers_lifted_for_emptying(request):
    """Tests marked `django_db(transaction=True)` get the same lifting as those asking for
    `transactional_db` by name: the fixture above is torn down before pytest-django empties."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence and export files go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; the tests create many users and check no password strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    committee: object
    general: object
    branch: object
    other_branch: object
    root: object
    admin: object
    reviewer: object
    secretary: object
    committee_member: object
    member_user: object
    member: object
    outsider: object
    outsider_member: object
    scheme: object

    def item(self, code):
        return self.scheme.items.get(code=code)

    def level(self, code):
        return self.scheme.commendation_levels.get(code=code)


def _role(user, org, kind):
    Role.objects.create(user=user, organisation=org, kind=kind)
    return user


@pytest.fixture
def world(db) -> World:
    committee = OrganisationFactory(name="机关党委", kind=OrgKind.COMMITTEE)
    general = OrganisationFactory(name="后勤党总支", kind=OrgKind.GENERAL_BRANCH, parent=committee)
    branch = OrganisationFactory(name="第一党支部", parent=general)
    other_branch = OrganisationFactory(name="第二党支部", parent=general)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    member_user = UserFactory(username="member")
    outsider = _role(UserFactory(username="outsider"), other_branch, RoleKind.SECRETARY)
    scheme = scheme_services.scheme_create_from_preset(
        actor=root, organisation=committee, year=YEAR, name="2026年党员积分细则"
    )
    return World(
        committee=committee,
        general=general,
        branch=branch,
        other_branch=other_branch,
        root=root,
        admin=_role(UserFactory(username="admin"), committee, RoleKind.ADMIN),
        reviewer=_role(UserFactory(username="reviewer"), general, RoleKind.REVIEWER),
        secretary=_role(UserFactory(username="secretary"), branch, RoleKind.SECRETARY),
        committee_member=_role(UserFactory(username="committee"), branch, RoleKind.COMMITTEE),
        member_user=member_user,
        member=MemberFactory(name="张三", branch=branch, user=member_user),
        outsider=outsider,
        outsider_member=MemberFactory(name="李四", branch=other_branch, user=outsider),
        scheme=scheme,
    )
