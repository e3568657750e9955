"""The permission matrix: every operation of the OpenAPI schema × every persona.

The operations are read from the schema that drf-spectacular builds from the URL resolver, and
test_every_operation_has_a_rule fails for one without a row here: a new endpoint cannot slip
in without its rule. Each persona runs inside a savepoint that is rolled back, so all of them
meet the same scene (tests/api/scene.py).
"""

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import PERSONAS, persona_user, token_client
from tests.api.scene import TODAY, build_scene
from tests.conftest import YEAR
from tests.factories import valid_id_number

METHODS = {"get", "post", "patch", "put", "delete"}
BRANCH_WORKERS = {"committee_member": 200, "secretary": 200}
OFFICERS = {**BRANCH_WORKERS, "reviewer": 200, "admin": 200}


@dataclass(frozen=True)
class Rule:
    """Expected status per persona (`default` for those not named; anonymous gets 401 unless
    named). `url` and `body` are built from the world and the scene."""

    url: object
    expect: dict
    default: int = 404
    body: object = field(default=lambda w, s: None)

    def status_for(self, persona: str) -> int:
        return self.expect.get(persona, 401 if persona == "anonymous" else self.default)


def _all(status: int) -> dict:
    return dict.fromkeys(PERSONAS[1:], status)


def _public() -> dict:
    return dict.fromkeys(PERSONAS, 200)


V1 = "/api/v1"
RULES = {
    # ---- tokens: everyone has their own, nobody sees another's
    "GET /api/v1/tokens/": Rule(lambda w, s: f"{V1}/tokens/", _all(200)),
    "POST /api/v1/tokens/": Rule(
        lambda w, s: f"{V1}/tokens/", _all(201), body=lambda w, s: {"name": "手机"}
    ),
    "GET /api/v1/tokens/{id}/": Rule(
        lambda w, s: f"{V1}/tokens/{s.member_token.pk}/", {"member": 200}
    ),
    "POST /api/v1/tokens/{id}/revoke/": Rule(
        lambda w, s: f"{V1}/tokens/{s.member_token.pk}/revoke/", {"member": 200}
    ),
    # ---- a member's own scores and declarations (the outsider is a member elsewhere)
    "GET /api/v1/me/": Rule(lambda w, s: f"{V1}/me/", {"member": 200, "outsider": 200}),
    "GET /api/v1/me/entries/": Rule(
        lambda w, s: f"{V1}/me/entries/", {"member": 200, "outsider": 200}
    ),
    "GET /api/v1/declarations/": Rule(lambda w, s: f"{V1}/declarations/", _all(200)),
    "POST /api/v1/declarations/": Rule(
        lambda w, s: f"{V1}/declarations/",
        {"member": 201, "outsider": 201},
        body=lambda w, s: {
            "year": YEAR,
            "month": 4,
            "item": w.item("P03").pk,
            "points": "2.0",
            "description": "完成交办任务",
        },
    ),
    "GET /api/v1/declarations/{id}/": Rule(
        lambda w, s: f"{V1}/declarations/{s.submitted.pk}/", {"member": 200}
    ),
    "POST /api/v1/declarations/{id}/withdraw/": Rule(
        lambda w, s: f"{V1}/declarations/{s.submitted.pk}/withdraw/", {"member": 200}
    ),
    "GET /api/v1/notifications/": Rule(lambda w, s: f"{V1}/notifications/", _all(200)),
    "POST /api/v1/notifications/{id}/read/": Rule(
        lambda w, s: f"{V1}/notifications/{s.notification.pk}/read/", {"member": 200}
    ),
    # ---- the committee's queue and records
    "GET /api/v1/review/declarations/": Rule(lambda w, s: f"{V1}/review/declarations/", _all(200)),
    "GET /api/v1/review/declarations/{id}/": Rule(
        lambda w, s: f"{V1}/review/declarations/{s.submitted.pk}/", BRANCH_WORKERS
    ),
    "POST /api/v1/review/declarations/{id}/decide/": Rule(
        lambda w, s: f"{V1}/review/declarations/{s.submitted.pk}/decide/",
        BRANCH_WORKERS,
        body=lambda w, s: {"decision": "approve"},
    ),
    # Bulk decisions answer 200 with a result per item; test_review checks the results.
    "POST /api/v1/review/declarations/decide/": Rule(
        lambda w, s: f"{V1}/review/declarations/decide/",
        _all(200),
        body=lambda w, s: {"items": [{"id": s.submitted.pk, "decision": "approve"}]},
    ),
    "GET /api/v1/entries/": Rule(lambda w, s: f"{V1}/entries/", _all(200)),
    "GET /api/v1/entries/{id}/": Rule(lambda w, s: f"{V1}/entries/{s.entry.pk}/", OFFICERS),
    # Members outside the user's branches are unknown ids (400); the member's own id is known
    # but the service refuses a record by someone not on the committee (403).
    "POST /api/v1/entries/": Rule(
        lambda w, s: f"{V1}/entries/",
        {"committee_member": 201, "secretary": 201, "member": 403},
        default=400,
        body=lambda w, s: {
            "member": w.member.pk,
            "year": YEAR,
            "month": 4,
            "item": w.item("D01").pk,
            "points": "2.0",
            "reason": "无故缺席",
        },
    ),
    "GET /api/v1/vetoes/": Rule(lambda w, s: f"{V1}/vetoes/", _all(200)),
    "GET /api/v1/vetoes/{id}/": Rule(lambda w, s: f"{V1}/vetoes/{s.veto.pk}/", OFFICERS),
    # The scene already has a proposal waiting for the member: the committee meets 409.
    "POST /api/v1/vetoes/": Rule(
        lambda w, s: f"{V1}/vetoes/",
        {"committee_member": 409, "secretary": 409, "member": 403},
        default=400,
        body=lambda w, s: {
            "member": w.member.pk,
            "year": YEAR,
            "month": 4,
            "item": w.item("V01").pk,
            "reason": "事实",
            "evidence": "材料",
        },
    ),
    "POST /api/v1/vetoes/{id}/decide/": Rule(
        lambda w, s: f"{V1}/vetoes/{s.veto.pk}/decide/",
        {"reviewer": 200, "committee_member": 403, "secretary": 403, "admin": 403},
        body=lambda w, s: {"confirm": False, "reason": "证据不足"},
    ),
    # ---- the parent organisation
    "GET /api/v1/review/commendations/": Rule(
        lambda w, s: f"{V1}/review/commendations/", _all(200)
    ),
    "GET /api/v1/review/commendations/{id}/": Rule(
        lambda w, s: f"{V1}/review/commendations/{s.forwarded.pk}/", {"reviewer": 200}
    ),
    "POST /api/v1/review/commendations/{id}/decide/": Rule(
        lambda w, s: f"{V1}/review/commendations/{s.forwarded.pk}/decide/",
        {"reviewer": 200},
        body=lambda w, s: {"approve": True},
    ),
    # ---- the cycle; branches the user cannot see are unknown ids (400) or not found (404)
    # ---- activities (组织生活)
    "GET /api/v1/activities/": Rule(lambda w, s: f"{V1}/activities/", _all(200)),
    "POST /api/v1/activities/": Rule(
        lambda w, s: f"{V1}/activities/",
        {"committee_member": 201, "secretary": 201, "reviewer": 403, "admin": 403},
        default=400,
        body=lambda w, s: {
            "organisation": w.branch.pk,
            "kind": w.scheme.activity_kinds.get(code="committee_meeting").pk,
            "title": "支委会",
            "starts_at": "2026-04-20T14:00:00+08:00",
            "ends_at": "2026-04-20T16:00:00+08:00",
            "audience": "chosen",
            "member_ids": [w.member.pk],
        },
    ),
    "GET /api/v1/activities/{id}/": Rule(
        lambda w, s: f"{V1}/activities/{s.upcoming.pk}/", {**OFFICERS, "member": 200}
    ),
    "POST /api/v1/activities/{id}/cancel/": Rule(
        lambda w, s: f"{V1}/activities/{s.upcoming.pk}/cancel/",
        BRANCH_WORKERS,
        body=lambda w, s: {"reason": "改期"},
    ),
    "POST /api/v1/activities/{id}/close/": Rule(
        lambda w, s: f"{V1}/activities/{s.live.pk}/close/", BRANCH_WORKERS
    ),
    "POST /api/v1/activities/{id}/tick/": Rule(
        lambda w, s: f"{V1}/activities/{s.live.pk}/tick/",
        BRANCH_WORKERS,
        body=lambda w, s: {"members": [w.member.pk]},
    ),
    "POST /api/v1/activities/{id}/untick/": Rule(
        lambda w, s: f"{V1}/activities/{s.live.pk}/untick/",
        {"committee_member": 409, "secretary": 409},
        body=lambda w, s: {"member": w.member.pk},
    ),
    "POST /api/v1/activities/{id}/correct/": Rule(
        lambda w, s: f"{V1}/activities/{s.meeting.pk}/correct/",
        BRANCH_WORKERS,
        body=lambda w, s: {"member": w.member.pk, "outcome": "absent", "reason": "记错"},
    ),
    "GET /api/v1/activities/{id}/code/": Rule(
        lambda w, s: f"{V1}/activities/{s.live.pk}/code/", BRANCH_WORKERS
    ),
    "GET /api/v1/activities/{id}/attendance/": Rule(
        lambda w, s: f"{V1}/activities/{s.live.pk}/attendance/", BRANCH_WORKERS
    ),
    "POST /api/v1/activities/{id}/leave/": Rule(
        lambda w, s: f"{V1}/activities/{s.live.pk}/leave/",
        {
            "member": 409,  # it has begun
            "committee_member": 403,
            "secretary": 403,
            "reviewer": 403,
            "admin": 403,
        },
        body=lambda w, s: {"reason": "出差"},
    ),
    "POST /api/v1/activities/checkin/": Rule(
        lambda w, s: f"{V1}/activities/checkin/",
        {"member": 400},  # a forged signature
        body=lambda w, s: {"activity": s.live.pk, "step": 1, "signature": "0" * 20},
    ),
    "GET /api/v1/record-books/": Rule(
        lambda w, s: f"{V1}/record-books/?branch={w.branch.pk}&year={YEAR}", OFFICERS
    ),
    "GET /api/v1/leave-requests/": Rule(lambda w, s: f"{V1}/leave-requests/", _all(200)),
    "GET /api/v1/leave-requests/{id}/": Rule(
        lambda w, s: f"{V1}/leave-requests/{s.leave.pk}/", {**BRANCH_WORKERS, "member": 200}
    ),
    "POST /api/v1/leave-requests/{id}/decide/": Rule(
        lambda w, s: f"{V1}/leave-requests/{s.leave.pk}/decide/",
        {**BRANCH_WORKERS, "member": 403},
        body=lambda w, s: {"grant": True},
    ),
    "GET /api/v1/activity-points/": Rule(lambda w, s: f"{V1}/activity-points/", _all(200)),
    "POST /api/v1/activity-points/decide/": Rule(
        lambda w, s: f"{V1}/activity-points/decide/",
        _all(200),  # each id's outcome is in the body; ids one may not decide are unknown
        body=lambda w, s: {"ids": [s.pending.pk], "approve": True},
    ),
    "GET /api/v1/quarters/": Rule(
        lambda w, s: f"{V1}/quarters/?branch={w.branch.pk}&year={YEAR}", OFFICERS
    ),
    "GET /api/v1/quarters/register/": Rule(
        lambda w, s: f"{V1}/quarters/register/?branch={w.branch.pk}&year={YEAR}&quarter=1",
        OFFICERS,
    ),
    # Only the secretary passes the permission check; the scene's states then refuse.
    "POST /api/v1/quarters/confirm/": Rule(
        lambda w, s: f"{V1}/quarters/confirm/",
        {"secretary": 409, "committee_member": 403, "reviewer": 403, "admin": 403},
        default=400,
        body=lambda w, s: {
            "branch": w.branch.pk,
            "year": YEAR,
            "quarter": 1,
            "meeting": s.meeting.pk,
        },
    ),
    "POST /api/v1/quarters/publish/": Rule(
        lambda w, s: f"{V1}/quarters/publish/",
        {"secretary": 409, "committee_member": 403, "reviewer": 403, "admin": 403},
        default=400,
        body=lambda w, s: {"branch": w.branch.pk, "year": YEAR, "quarter": 1},
    ),
    "POST /api/v1/quarters/lock/": Rule(
        lambda w, s: f"{V1}/quarters/lock/",
        {"secretary": 409, "committee_member": 403, "reviewer": 403, "admin": 403},
        default=400,
        body=lambda w, s: {"branch": w.branch.pk, "year": YEAR, "quarter": 1},
    ),
    "GET /api/v1/objections/": Rule(lambda w, s: f"{V1}/objections/", _all(200)),
    "GET /api/v1/objections/{id}/": Rule(
        lambda w, s: f"{V1}/objections/{s.objection.pk}/", {**OFFICERS, "member": 200}
    ),
    # Only members listed in the notice object; the member's first objection is still open.
    "POST /api/v1/objections/": Rule(
        lambda w, s: f"{V1}/objections/",
        {"member": 409},
        default=403,
        body=lambda w, s: {"notice": s.notice.pk, "text": "有误"},
    ),
    "POST /api/v1/objections/{id}/answer/": Rule(
        lambda w, s: f"{V1}/objections/{s.objection.pk}/answer/",
        {**BRANCH_WORKERS, "reviewer": 403, "admin": 403, "member": 403},
        body=lambda w, s: {"accept": False, "answer": "经核实无误"},
    ),
    "GET /api/v1/years/": Rule(lambda w, s: f"{V1}/years/", _all(200)),
    "GET /api/v1/years/{id}/": Rule(lambda w, s: f"{V1}/years/{s.year_result.pk}/", OFFICERS),
    "POST /api/v1/years/compute/": Rule(
        lambda w, s: f"{V1}/years/compute/",
        {"secretary": 409, "committee_member": 403, "reviewer": 403, "admin": 403},
        default=400,
        body=lambda w, s: {"branch": w.branch.pk, "year": YEAR},
    ),
    "POST /api/v1/years/{id}/grades/{grade_id}/": Rule(
        lambda w, s: f"{V1}/years/{s.year_result.pk}/grades/{s.grade.pk}/",
        {"secretary": 200, "committee_member": 403, "reviewer": 403, "admin": 403},
        body=lambda w, s: {"grade_code": "good"},
    ),
    "POST /api/v1/years/{id}/submit/": Rule(
        lambda w, s: f"{V1}/years/{s.year_result.pk}/submit/",
        {"secretary": 409, "committee_member": 403, "reviewer": 403, "admin": 403},
    ),
    "POST /api/v1/years/{id}/review/": Rule(
        lambda w, s: f"{V1}/years/{s.year_result.pk}/review/",
        {"reviewer": 409, "committee_member": 403, "secretary": 403, "admin": 403},
        body=lambda w, s: {"approve": True},
    ),
    "POST /api/v1/years/{id}/withdraw-filing/": Rule(
        lambda w, s: f"{V1}/years/{s.year_result.pk}/withdraw-filing/",
        {"reviewer": 409, "committee_member": 403, "secretary": 403, "admin": 403},
        body=lambda w, s: {"reason": "核查发现错误"},
    ),
    "GET /api/v1/public/notices/": Rule(lambda w, s: f"{V1}/public/notices/", _public()),
    "GET /api/v1/public/notices/{id}/": Rule(
        lambda w, s: f"{V1}/public/notices/{s.notice.pk}/", _public()
    ),
    # ---- roster and organisations; full personal data only for admins (test_roster)
    "GET /api/v1/organisations/": Rule(lambda w, s: f"{V1}/organisations/", _all(200)),
    "GET /api/v1/organisations/{id}/": Rule(
        lambda w, s: f"{V1}/organisations/{w.branch.pk}/", OFFICERS
    ),
    "GET /api/v1/members/": Rule(lambda w, s: f"{V1}/members/", _all(200)),
    "GET /api/v1/members/{id}/": Rule(
        lambda w, s: f"{V1}/members/{w.member.pk}/", {**OFFICERS, "member": 200}
    ),
    "POST /api/v1/members/": Rule(
        lambda w, s: f"{V1}/members/",
        {"admin": 201, "committee_member": 403, "secretary": 403, "reviewer": 403},
        default=400,
        body=lambda w, s: {
            "branch": w.branch.pk,
            "name": "王五",
            "gender": "female",
            "id_number": valid_id_number(90001),
            "join_date": "2020-07-01",
        },
    ),
    "PATCH /api/v1/members/{id}/": Rule(
        lambda w, s: f"{V1}/members/{w.member.pk}/",
        {"admin": 200, "member": 403, "committee_member": 403, "secretary": 403, "reviewer": 403},
        body=lambda w, s: {"phone": "13800000000"},
    ),
    # The target branch is checked first: those who cannot see it get 400.
    "POST /api/v1/members/{id}/transfer/": Rule(
        lambda w, s: f"{V1}/members/{w.member.pk}/transfer/",
        {"admin": 200, "reviewer": 403, "member": 400, "committee_member": 400, "secretary": 400},
        body=lambda w, s: {"to_branch": w.other_branch.pk, "on": "2026-04-10"},
    ),
    # ---- schemes: read by everyone they apply to, changed by admins
    "GET /api/v1/schemes/": Rule(lambda w, s: f"{V1}/schemes/", _all(200)),
    "GET /api/v1/schemes/{id}/": Rule(lambda w, s: f"{V1}/schemes/{w.scheme.pk}/", _all(200)),
    "PATCH /api/v1/schemes/{id}/": Rule(
        lambda w, s: f"{V1}/schemes/{w.scheme.pk}/",
        {"admin": 200},
        default=403,
        body=lambda w, s: {"name": "新细则"},
    ),
    "POST /api/v1/schemes/{id}/items/": Rule(
        lambda w, s: f"{V1}/schemes/{w.scheme.pk}/items/",
        {"admin": 201},
        default=403,
        body=lambda w, s: {
            "code": "P99",
            "name": "新项目",
            "category": "performance",
            "points_min": "1.0",
            "points_max": "2.0",
        },
    ),
    "PATCH /api/v1/schemes/{id}/items/{item_id}/": Rule(
        lambda w, s: f"{V1}/schemes/{w.scheme.pk}/items/{w.item('P03').pk}/",
        {"admin": 200},
        default=403,
        body=lambda w, s: {"name": "完成组织交办的任务"},
    ),
    "POST /api/v1/schemes/{id}/new-version/": Rule(
        lambda w, s: f"{V1}/schemes/{w.scheme.pk}/new-version/", {"admin": 201}, default=403
    ),
}


def _operations() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    }


def test_every_operation_has_a_rule():
    assert _operations() == set(RULES)


@pytest.fixture
def scene(world, today):
    today(TODAY)
    return build_scene(world)


def _call(world, scene, rule: Rule, operation: str, persona: str) -> int:
    user = None if persona == "anonymous" else persona_user(world, persona)
    client = token_client(user)
    method = operation.split()[0].lower()
    response = getattr(client, method)(
        rule.url(world, scene), rule.body(world, scene), format="json"
    )
    return response.status_code


@pytest.mark.parametrize("operation", sorted(RULES))
def test_permission_matrix(world, scene, operation):
    rule = RULES[operation]
    wrong = {}
    for persona in PERSONAS:
        with transaction.atomic():
            status = _call(world, scene, rule, operation, persona)
            transaction.set_rollback(True)
        if status != rule.status_for(persona):
            wrong[persona] = (status, rule.status_for(persona))
    assert not wrong, f"{operation}: persona → (got, expected) {wrong}"
