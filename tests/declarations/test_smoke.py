import datetime

from jifen.declarations import services
from jifen.declarations.enums import Decision
from jifen.scoring.selectors import branch_year_results
from tests.conftest import YEAR
from tests.factories import d


def test_declare_review_score(world):
    item = world.item("P01")
    decl = services.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=item,
        points=d(2),
        description="心得",
        evidence="file.pdf",
        today=datetime.date(YEAR, 3, 20),
    )
    services.declaration_review(actor=world.secretary, declaration=decl, decision=Decision.APPROVE)
    result = branch_year_results(world.branch, YEAR).for_member(world.member.pk)
    assert result.months[3].score == d(62)
    assert result.score == d("60.2")
