"""Who may open the portal's pages (tests/access.py explains the matrix).

Members' pages need a roster record (the outsider is also a member, 李四, of the other
branch); branch pages need a committee or secretary role there; the parent desk a reviewer role
above. POST-only URLs answer a GET with 405 once signed in.
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from jifen.activities import codes, services
from jifen.activities.enums import Audience
from jifen.declarations.models import Declaration
from jifen.portal.models import DeclarationFile
from tests.access import Case
from tests.activities.helpers import kind, plan
from tests.conftest import YEAR

ANONYMOUS = {"anonymous": 302}
MEMBERS_ONLY = {
    **ANONYMOUS,
    "committee_member": 404,
    "secretary": 404,
    "reviewer": 404,
    "admin": 404,
}
BRANCH_WORKERS = {**ANONYMOUS, "member": 404, "reviewer": 404, "admin": 404, "outsider": 404}
REVIEWER_ONLY = {
    **ANONYMOUS,
    "member": 404,
    "committee_member": 404,
    "secretary": 404,
    "admin": 404,
    "outsider": 404,
}


def _branch(world):
    return {"branch_id": world.branch.pk}


def _branch_pk(world):
    return {"branch_id": world.branch.pk, "pk": 1}


def _org_pk(world):
    return {"org_id": world.general.pk, "pk": 1}


def _quarter(world):
    return {"branch_id": world.branch.pk, "year": YEAR, "number": 1}


def _year(world):
    return {"branch_id": world.branch.pk, "year": YEAR}


def _evidence_file(world):
    """A file of 张三's declaration: his own, his branch's committee and the roles above him see
    it; the outsider from the other branch does not."""
    declaration = Declaration.objects.create(
        member=world.member,
        branch=world.branch,
        year=YEAR,
        month=3,
        item=world.item("P01"),
        points=2,
        description="心得",
    )
    path = "evidence/access-matrix.pdf"
    if not default_storage.exists(path):  # MEDIA_ROOT is under the ignored var/ directory
        default_storage.save(path, ContentFile(b"%PDF-1.4\n"))
    file = DeclarationFile.objects.create(
        declaration=declaration,
        file=path,
        name="心得.pdf",
        content_type="application/pdf",
        size=9,
    )
    return {"pk": file.pk}


def _activity(world):
    return {"pk": plan(world, datetime.date(YEAR, 3, 10)).pk}


def _activity_member(world):
    return {"pk": plan(world, datetime.date(YEAR, 3, 10)).pk, "member_id": world.member.pk}


def _org(world):
    return {"org_id": world.branch.pk}


def _book(world):
    return {"branch_id": world.branch.pk, "year": YEAR}


def _live_link(world):
    """The link of an activity open for check-in now, expecting 张三."""
    start = timezone.now() - datetime.timedelta(minutes=5)
    activity = services.activity_plan(
        actor=world.secretary,
        organisation=world.branch,
        plan=services.Plan(
            kind=kind(world, year=timezone.localdate().year),
            title="现在的活动",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            audience=Audience.CHOSEN,
            member_ids=(world.member.pk,),
        ),
    )
    code = codes.current(activity, timezone.now())
    return {"pk": activity.pk, "step": code.step, "signature": code.signature}


# An expected member is checked in; those without a roster record get 404, a member who is not
# expected is refused (403).
CHECKIN = {
    **ANONYMOUS,
    "committee_member": 404,
    "secretary": 404,
    "reviewer": 404,
    "admin": 404,
    "outsider": 403,
}
OWN_ACTIVITY = {**MEMBERS_ONLY, "outsider": 404}
BOOK = {**ANONYMOUS, "member": 404, "outsider": 404}

CASES = [
    # The old address of the work overview leads to the home page, for everyone.
    Case("portal:index", expect={}, default=302),
    Case("portal:me", MEMBERS_ONLY),
    Case("portal:my_scores", MEMBERS_ONLY, kwargs=lambda world: {"year": YEAR}),
    Case("portal:declare", MEMBERS_ONLY),
    Case("portal:my_declarations", MEMBERS_ONLY),
    Case("portal:withdraw", ANONYMOUS, default=405, kwargs=lambda world: {"pk": 1}),
    Case("portal:evidence", {**ANONYMOUS, "outsider": 404}, kwargs=_evidence_file),
    Case("portal:branch", BRANCH_WORKERS, kwargs=_branch),
    Case("portal:review", BRANCH_WORKERS, kwargs=_branch),
    Case("portal:roster", BRANCH_WORKERS, kwargs=_branch),
    Case("portal:review_bulk", ANONYMOUS, default=405, kwargs=_branch),
    Case(
        "portal:review_decide",
        ANONYMOUS,
        default=405,
        kwargs=_branch_pk,
    ),
    Case("portal:committee_record", BRANCH_WORKERS, kwargs=_branch),
    Case("portal:veto_propose", BRANCH_WORKERS, kwargs=_branch),
    Case("portal:parent", REVIEWER_ONLY, kwargs=lambda world: {"org_id": world.general.pk}),
    Case(
        "portal:commendation_decide",
        ANONYMOUS,
        default=405,
        kwargs=_org_pk,
    ),
    Case(
        "portal:veto_decide",
        ANONYMOUS,
        default=405,
        kwargs=_org_pk,
    ),
    Case("portal:object", ANONYMOUS, default=405, kwargs=lambda world: {"pk": 1}),
    Case("portal:quarters", BRANCH_WORKERS, kwargs=_branch),
    Case("portal:quarter_confirm", BRANCH_WORKERS, kwargs=_quarter),
    Case("portal:notice_publish", BRANCH_WORKERS, kwargs=_quarter),
    Case("portal:quarter_lock", BRANCH_WORKERS, kwargs=_quarter),
    Case("portal:register", BRANCH_WORKERS, kwargs=_quarter),
    Case("portal:objections", BRANCH_WORKERS, kwargs=_branch),
    Case("portal:objection_answer", ANONYMOUS, default=405, kwargs=_branch_pk),
    Case("portal:year", BRANCH_WORKERS, kwargs=_year),
    Case("portal:year_compute", ANONYMOUS, default=405, kwargs=_year),
    Case("portal:year_submit", ANONYMOUS, default=405, kwargs=_year),
    Case(
        "portal:admonition_record",
        ANONYMOUS,
        default=405,
        kwargs=lambda world: {**_year(world), "member_id": world.member.pk},
    ),
    Case("portal:admonition_follow_up", ANONYMOUS, default=405, kwargs=_branch_pk),
    Case("portal:grade_finalise", ANONYMOUS, default=405, kwargs=_branch_pk),
    Case("portal:unqualified_handling", ANONYMOUS, default=405, kwargs=_branch_pk),
    Case("portal:appeal_answer", ANONYMOUS, default=405, kwargs=_org_pk),
    Case("portal:year_review", ANONYMOUS, default=405, kwargs=_org_pk),
    Case("portal:year_filing_withdraw", ANONYMOUS, default=405, kwargs=_org_pk),
    Case("portal:my_activities", MEMBERS_ONLY),
    Case("portal:my_activity", OWN_ACTIVITY, kwargs=_activity),
    Case("portal:leave_ask", ANONYMOUS, default=405, kwargs=_activity),
    Case("portal:checkin_digits", ANONYMOUS, default=405),
    Case("portal:checkin", CHECKIN, kwargs=_live_link),
    Case("portal:activities", BRANCH_WORKERS, kwargs=_org),
    Case("portal:activity_plan", BRANCH_WORKERS, kwargs=_org),
    Case("portal:activity", BRANCH_WORKERS, kwargs=_activity),
    Case("portal:activity_code", BRANCH_WORKERS, kwargs=_activity),
    Case("portal:activity_tick", ANONYMOUS, default=405, kwargs=_activity),
    Case("portal:activity_untick", ANONYMOUS, default=405, kwargs=_activity_member),
    Case("portal:activity_close", ANONYMOUS, default=405, kwargs=_activity),
    Case("portal:activity_cancel", ANONYMOUS, default=405, kwargs=_activity),
    Case("portal:activity_edit", ANONYMOUS, default=405, kwargs=_activity),
    Case("portal:activity_correct", ANONYMOUS, default=405, kwargs=_activity),
    Case("portal:leave_decide", ANONYMOUS, default=405, kwargs=lambda world: {"pk": 1}),
    Case("portal:activity_points", BRANCH_WORKERS, kwargs=_branch),
    Case("portal:record_book", BOOK, kwargs=_book),
]
