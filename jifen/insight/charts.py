"""The dashboard's numbers shaped for ECharts, with their translated labels (json_script)."""

from django.utils.translation import gettext as _

from jifen.insight.selectors import Dashboard


def _number(value) -> float | None:
    return None if value is None else float(value)


def _month(month: int) -> str:
    return _("Month %(month)d") % {"month": month}


def chart_data(board: Dashboard) -> dict:
    return {
        "histogram": {
            "labels": [label for label, _count in board.histogram],
            "values": [count for _label, count in board.histogram],
            "name": _("Members"),
        },
        "trend": {
            "labels": [_month(month) for month, _average in board.trend],
            "values": [_number(average) for _month_, average in board.trend],
            "name": _("Average monthly score"),
        },
        "progress": {
            "labels": [_month(row.month) for row in board.progress],
            "series": [
                {"name": _("Decided"), "values": [row.decided for row in board.progress]},
                {"name": _("Waiting"), "values": [row.waiting for row in board.progress]},
            ],
        },
    }
