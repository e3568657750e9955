"""Roster files as offices make them, for the import tests: the same two members written by
openpyxl, by the csv module in each encoding Chinese Excel writes, and saved by LibreOffice
(standing in for Excel and WPS) as .xls, .ods and its own .xlsx."""

import csv
import datetime
import io

from tests.exchange.helpers import ROSTER_HEADER, roster_row, xlsx
from tests.factories import BIRTH_DATE, valid_id_number

# 赵六's number ends in X, as one in eleven does.
X_NUMBER = next(valid_id_number(n) for n in range(90002, 90200) if valid_id_number(n)[-1] == "X")
EXPECTED = {
    "王五": {
        "gender": "male",
        "id_number": valid_id_number(90001),
        "birth_date": BIRTH_DATE,
        "join_date": datetime.date(2015, 7, 1),
        "party_status": "full",
        "category": "in_service",
        "phone": "13800138000",
    },
    "赵六": {
        "gender": "female",
        "id_number": X_NUMBER,
        "birth_date": BIRTH_DATE,
        "join_date": datetime.date(2018, 6, 30),
        "party_status": "probationary",
        "category": "retired",
        "phone": "010-62345678",
    },
}


def two_members() -> list[list]:
    """The rows of EXPECTED as a secretary types them: a phone typed as a number, a landline
    with its area code."""
    return [
        roster_row("王五", valid_id_number(90001), 联系电话=13800138000),
        roster_row(
            "赵六",
            X_NUMBER,
            性别="女",
            入党日期=datetime.date(2018, 6, 30),
            党员身份="预备党员",
            党员类别="离退休",
            联系电话="010-62345678",
        ),
    ]


def csv_bytes(header, rows, encoding: str, delimiter: str = ",") -> bytes:
    """A CSV file as Excel writes it: "CSV UTF-8" with a byte-order mark, plain "CSV" in the
    local code page (GBK), "Unicode text" as UTF-16 with tabs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def made_by_python() -> dict[str, bytes]:
    header, rows = ROSTER_HEADER, two_members()
    return {
        "openpyxl.xlsx": xlsx(header, rows),
        "utf-8.csv": csv_bytes(header, rows, "utf-8"),
        "utf-8-bom.csv": csv_bytes(header, rows, "utf-8-sig"),
        "gb18030.csv": csv_bytes(header, rows, "gb18030"),
        "gbk.csv": csv_bytes(header, rows, "gbk"),
        "unicode-text.txt": csv_bytes(header, rows, "utf-16", delimiter="\t"),
    }
