"""The people of the two-server test, made in its own database through the services (run as
`manage.py shell -c "from tests.deploy.scene import build; build()"`): a branch with a scheme for
this year, a member with an account, and the branch secretary. Prints the ids as JSON."""

import datetime
import json

from django.contrib.auth import get_user_model
from django.utils import timezone

from jifen.orgs import services as orgs
from jifen.orgs.enums import OrgKind, RoleKind
from jifen.schemes import services as schemes
from tests.factories import valid_id_number

PASSWORD = "Two-Servers-2026"
ONE_TIME_PASSWORD = "Given-Once-2026"


def build() -> None:
    users = get_user_model()
    root = users.objects.create_superuser("root", password=PASSWORD)
    committee = orgs.organisation_create(
        actor=root, name="机关党委", kind=OrgKind.COMMITTEE, parent=None
    )
    branch = orgs.organisation_create(
        actor=root, name="第一党支部", kind=OrgKind.BRANCH, parent=committee
    )
    schemes.scheme_create_from_preset(
        actor=root, organisation=committee, year=timezone.localdate().year, name="积分细则"
    )
    people = {}
    for number, (username, name) in enumerate([("member", "张三"), ("secretary", "李书记")]):
        member = orgs.member_create(
            actor=root,
            branch=branch,
            name=name,
            gender="male",
            id_number=valid_id_number(7000 + number),
            join_date=datetime.date(2015, 7, 1),
        )
        orgs.member_account_create(
            actor=root, member=member, username=username, password=ONE_TIME_PASSWORD
        )
        member.refresh_from_db()
        # The member has since chosen their own password (saving it clears the one-time flag).
        member.user.set_password(PASSWORD)
        member.user.save()
        people[username] = {"user": member.user_id, "member": member.pk}
    secretary = users.objects.get(username="secretary")
    orgs.role_grant(actor=root, user=secretary, organisation=branch, kind=RoleKind.SECRETARY)
    print(json.dumps({"branch": branch.pk, **people}))
