"""Workbooks, PDFs and cycle records for the exchange tests."""

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from jifen.cycle import services as cycle
from jifen.cycle.enums import QuarterState
from jifen.cycle.models import Quarter
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from tests.activities.helpers import hold
from tests.conftest import YEAR
from tests.factories import BIRTH_DATE, valid_id_number

ROSTER_HEADER = [
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号",
    "学历",
    "入党日期",
    "党员身份",
    "党员类别",
    "所在支部",
    "党内职务",
    "联系电话",
]


def roster_row(name="王五", id_number=None, branch="第一党支部", **overrides):
    row = {
        "姓名": name,
        "性别": "男",
        "民族": "汉族",
        "出生日期": BIRTH_DATE,
        "身份证号": id_number or valid_id_number(90001),
        "学历": "大学",
        "入党日期": datetime.date(2015, 7, 1),
        "党员身份": "正式党员",
        "党员类别": "在职",
        "所在支部": branch,
        "党内职务": "",
        "联系电话": "13800138000",
    }
    assert set(overrides) <= set(row), "unknown column in the test"
    row.update(overrides)
    return [row[h] for h in ROSTER_HEADER if h in row]


def xlsx(header, rows, *, text: bool = False) -> bytes:
    """A workbook with the header in row 1. openpyxl writes a string starting with "=" as a
    formula; `text` keeps every string a text cell, as a cell formatted as text holds it."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        if text:
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def give(world, member, month, code, points):
    return ledger.append_entry(
        actor=world.secretary,
        member=member,
        year=YEAR,
        month=month,
        item=world.item(code),
        points=Decimal(str(points)),
        source=Source.COMMITTEE,
        reason="测试记录",
    )


def confirm_quarter(world, number=1):
    """The general meeting confirms the quarter through the cycle's own services."""
    held_on = datetime.date(YEAR, number * 3 + 1, 8)
    meeting = hold(world, held_on, quarter=number)
    return cycle.quarter_confirm(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=number,
        meeting=meeting,
        now=meeting.ends_at,
    )


def compute_year(world):
    # Locking Q4 runs through a notice period; the year report only needs the locked state.
    Quarter.objects.create(branch=world.branch, year=YEAR, number=4, state=QuarterState.LOCKED)
    return cycle.year_compute(actor=world.secretary, branch=world.branch, year=YEAR)


def run_tasks() -> int:
    """Run every queued task as the worker does (claimed, then run with its context), inside the
    test's transaction; the worker command itself runs in transactional tests only, as it drops
    a connection it finds in a transaction. How many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while (task := DBTaskResult.objects.ready().first()) is not None:
        task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1
    return ran


def table(rows: list[tuple]) -> list[tuple]:
    """An exported sheet below its title and caption: the header row first, then the rows and
    the lines under the table."""
    blank = next(i for i, row in enumerate(rows) if all(value is None for value in row))
    return rows[blank + 1 :]


def tables(content: bytes) -> dict[str, list[tuple]]:
    return {title: table(rows) for title, rows in sheets(content).items()}
