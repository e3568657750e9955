"""Demonstration data: one organisation tree with a year of work, built through the services
(as real users would), so that every page has something to show right after `make run`."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from jifen.activities.demo import build_activities_demo
from jifen.cycle.demo import build_cycle_demo
from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from jifen.errors import LimitExceeded
from jifen.ledger import standings
from jifen.orgs import services as orgs
from jifen.orgs.enums import MemberCategory, OrgKind, RoleKind
from jifen.orgs.models import Organisation
from jifen.orgs.validators import id_number_check_code
from jifen.schemes import services as schemes

PASSWORD = "jifen-demo-2026"
COMMITTEE_NAME = "机关党委"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]


@dataclass
class Hint:
    username: str
    role: str


HINTS = [
    Hint("admin", "组织管理员 (机关党委)"),
    Hint("reviewer", "党总支审核人 (后勤党总支)"),
    Hint("secretary", "支部书记 (后勤第一党支部)"),
    Hint("committee", "支委 (后勤第一党支部)"),
    Hint("member", "党员 张三 (后勤第一党支部)"),
    Hint("secretary2", "支部书记 (后勤第二党支部)"),
    Hint("committee2", "支委 (后勤第二党支部)"),
]


def _user(username: str, **extra):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.org", **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def _id_number(n: int) -> str:
    first17 = f"532301198{n % 10}0{(n % 9) + 1}{(n % 27) + 1:02d}{n:03d}"[:17]
    return first17 + id_number_check_code(first17)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))


def already_loaded() -> bool:
    return Organisation.objects.filter(name=COMMITTEE_NAME, parent=None).exists()


@transaction.atomic
def build(year: int, today: datetime.date) -> None:
    # A year of entries through the services: the standings are brought up to date once.
    with standings.batch():
        _build(year, today)


def _build(year: int, today: datetime.date) -> None:
    rng = random.Random(year)
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    committee = orgs.organisation_create(
        actor=root, name=COMMITTEE_NAME, kind=OrgKind.COMMITTEE, parent=None
    )
    general = orgs.organisation_create(
        actor=root, name="后勤党总支", kind=OrgKind.GENERAL_BRANCH, parent=committee
    )
    first = orgs.organisation_create(
        actor=root, name="后勤第一党支部", kind=OrgKind.BRANCH, parent=general
    )
    second = orgs.organisation_create(
        actor=root, name="后勤第二党支部", kind=OrgKind.BRANCH, parent=general
    )
    group = orgs.organisation_create(
        actor=root, name="第一党小组", kind=OrgKind.GROUP, parent=first
    )
    users = {hint.username: _user(hint.username) for hint in HINTS}
    for username, org, kind in [
        ("admin", committee, RoleKind.ADMIN),
        ("reviewer", general, RoleKind.REVIEWER),
        ("secretary", first, RoleKind.SECRETARY),
        ("committee", first, RoleKind.COMMITTEE),
        ("secretary2", second, RoleKind.SECRETARY),
        ("committee2", second, RoleKind.COMMITTEE),
    ]:
        orgs.role_grant(actor=root, user=users[username], organisation=org, kind=kind)
    scheme = schemes.scheme_create_from_preset(
        actor=users["admin"], organisation=committee, year=year, name=f"{year}年度党员积分细则"
    )
    members = _roster(users, first, second, rng, year)
    for member in [m for m in members if m.branch_id == first.pk][:8]:
        orgs.member_set_group(actor=users["admin"], member=member, group=group)
    _year_of_work(scheme, members, users, rng, year, today)
    build_activities_demo(first, group, year, users["secretary"], today)
    build_cycle_demo(first, year, users["secretary"], users["reviewer"], today=today)
    build_cycle_demo(second, year, users["secretary2"], users["reviewer"], today=today)


def _roster(users, first, second, rng, year):
    admin = users["admin"]
    members = []
    people = [
        ("张三", first, users["member"]),
        ("李书记", first, users["secretary"]),
        ("周支委", first, users["committee"]),
        ("赵书记", second, users["secretary2"]),
        ("钱支委", second, users["committee2"]),
    ]
    people += [(_name(rng), first, None) for _ in range(12)]
    people += [(_name(rng), second, None) for _ in range(7)]
    for n, (name, branch, user) in enumerate(people, start=1):
        member = orgs.member_create(
            actor=admin,
            branch=branch,
            name=name,
            gender=rng.choice(["male", "female"]),
            id_number=_id_number(n),
            join_date=datetime.date(2000 + n % 20, 7, 1),
            education=rng.choice(["大学本科", "硕士研究生", "大专"]),
            phone=f"138{n:08d}",
            category=MemberCategory.RETIRED if n == 20 else MemberCategory.IN_SERVICE,
            start=datetime.date(year - 1, 1, 1),
        )
        if user is None:
            user = _user(f"m{n:03d}")
        orgs.member_link_user(actor=admin, member=member, user=user)
        members.append(member)
    return members


def _reviewer_for(member, users):
    # Nobody reviews their own declaration: a committee member's goes to the secretary.
    second = member.branch.name == "后勤第二党支部"
    committee, secretary = ("committee2", "secretary2") if second else ("committee", "secretary")
    return users[secretary] if member.user == users[committee] else users[committee]


def _year_of_work(scheme, members, users, rng, year, today):
    items = {item.code: item for item in scheme.items.all()}
    diligence = {member.pk: rng.uniform(0.2, 1.0) for member in members}
    for month in range(1, today.month + 1):
        on = datetime.date(year, month, min(20, today.day) if month == today.month else 20)
        for member in members:
            for item, points in _month_claims(items, diligence[member.pk], rng):
                try:
                    declaration = declarations.declaration_submit(
                        actor=member.user,
                        member=member,
                        year=year,
                        month=month,
                        item=item,
                        points=points,
                        description=f"{month}月：{item.name}",
                        evidence="附件：活动照片.jpg",
                        today=on,
                    )
                except LimitExceeded:
                    continue  # the member is told the item's cap is reached, as in real use
                if month < today.month:
                    declarations.declaration_review(
                        actor=_reviewer_for(member, users),
                        declaration=declaration,
                        decision=Decision.APPROVE,
                    )
    _commendation_and_veto(items, scheme, members, users, year)


def _month_claims(items, diligence, rng):
    """A diligent member takes on more and is credited more each month."""
    claims = [(items["P07"], Decimal(round(5 + diligence * 15)))]
    for code in rng.sample(["P01", "P03", "P05", "P06"], round(diligence * 3)):
        item = items[code]
        claims.append((item, Decimal(rng.randint(int(item.points_min), int(item.points_max)))))
    return claims


def _commendation_and_veto(items, scheme, members, users, year):
    level = scheme.commendation_levels.get(code="school")
    for member, approve in ((members[0], True), (members[5], False)):
        declaration = declarations.declaration_submit(
            actor=member.user,
            member=member,
            year=year,
            month=5,
            item=items["C01"],
            points=None,
            description="获校级优秀共产党员表彰",
            evidence="表彰文件.pdf",
            commendation_level=level,
            today=datetime.date(year, 5, 28),
        )
        declarations.declaration_review(
            actor=_reviewer_for(member, users), declaration=declaration, decision=Decision.APPROVE
        )
        if approve:
            declarations.declaration_parent_review(
                actor=users["reviewer"], declaration=declaration, approve=True, reason="材料齐全"
            )
    declarations.veto_propose(
        actor=users["secretary2"],
        member=members[-2],
        year=year,
        month=9,
        item=items["V01"],
        reason="违反廉洁纪律，受党内警告处分",
        evidence="处分决定书.pdf",
    )
