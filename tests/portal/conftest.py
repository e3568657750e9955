import datetime

import pytest
from django.utils import timezone

from jifen.declarations import services as declarations
from tests.conftest import YEAR
from tests.factories import d

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


@pytest.fixture
def on(monkeypatch):
    """Sets the day the pages and the domain take as today."""

    def set_day(day: datetime.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_day


@pytest.fixture
def declared(world):
    """张三's declaration of 2 points of P01 for March, submitted on 20 March."""
    return declarations.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("P01"),
        points=d(2),
        description="学习心得",
        evidence="evidence/x.pdf",
        today=datetime.date(YEAR, 3, 20),
    )
