from jifen.orgs.models import Role
from tests.access import Case

# Only organisation admins reach these pages: other signed-in personas get 403 before any
# object is loaded; buttons that change something answer GET with 405.
REFUSED = {
    "anonymous": 302,
    "member": 403,
    "committee_member": 403,
    "secretary": 403,
    "reviewer": 403,
    "outsider": 403,
}
POST_ONLY = {**REFUSED, "admin": 405}


def _branch(world):
    return {"pk": world.branch.pk}


def _member(world):
    return {"pk": world.member.pk}


def _scheme(world):
    return {"pk": world.scheme.pk}


def _item(world):
    return {"pk": world.item("P01").pk}


def _role(world):
    return {"pk": Role.objects.get(user=world.secretary).pk}


def _kind(world):
    return {"pk": world.scheme.activity_kinds.get(code="general_meeting").pk}


CASES = [
    Case("orgadmin:index", REFUSED),
    Case("orgadmin:organisation_create", REFUSED),
    Case("orgadmin:organisation_rename", REFUSED, kwargs=_branch),
    Case("orgadmin:roles", REFUSED, kwargs=_branch),
    Case("orgadmin:role_revoke", POST_ONLY, kwargs=_role),
    Case("orgadmin:members", REFUSED),
    Case("orgadmin:members", REFUSED, query="?search=张&category=in_service"),
    Case("orgadmin:member_create", REFUSED),
    Case("orgadmin:member_edit", REFUSED, kwargs=_member),
    Case("orgadmin:member_transfer", REFUSED, kwargs=_member),
    Case("orgadmin:member_leave", REFUSED, kwargs=_member),
    Case("orgadmin:member_account", REFUSED, kwargs=_member),
    Case("orgadmin:accounts_create", REFUSED),
    Case("orgadmin:accounts_sheet", POST_ONLY),
    Case("orgadmin:schemes", REFUSED),
    Case("orgadmin:scheme", REFUSED, kwargs=_scheme),
    Case("orgadmin:scheme_new_version", POST_ONLY, kwargs=_scheme),
    Case("orgadmin:item_create", REFUSED, kwargs=_scheme),
    Case("orgadmin:item_edit", REFUSED, kwargs=_item),
    Case("orgadmin:item_remove", POST_ONLY, kwargs=_item),
    Case("orgadmin:activity_kind_create", REFUSED, kwargs=_scheme),
    Case("orgadmin:activity_kind_edit", REFUSED, kwargs=_kind),
    Case("orgadmin:activity_kind_remove", POST_ONLY, kwargs=_kind),
    Case(
        "orgadmin:commendation_level_edit",
        REFUSED,
        kwargs=lambda world: {"pk": world.level("national").pk},
    ),
    Case(
        "orgadmin:grade_level_edit",
        REFUSED,
        kwargs=lambda world: {"pk": world.scheme.grade_levels.get(code="good").pk},
    ),
    Case("orgadmin:audit_log", REFUSED),
    Case("orgadmin:audit_log", REFUSED, query="?who=adm&action=orgs&since=2026-01-01"),
    Case("orgadmin:access_records", REFUSED),
    Case("orgadmin:access_records", REFUSED, query="?channel=export&whose=张"),
]
