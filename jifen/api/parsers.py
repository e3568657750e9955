"""The API's JSON parser: a body nested deeper than any of ours is a 400, not a crash.

Python's json module recurses once per bracket, so 50,000 brackets raise RecursionError, which
DRF does not catch (a 500). Bodies of a few hundred levels parse, but would make every later
walk over them (validation, the audit record) recurse as deeply; none of our bodies nests
more than a handful of levels, so anything past MAX_DEPTH is refused the same way.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if not depth_within(data, MAX_DEPTH):
            raise _too_deep()
        return data


def _too_deep() -> ParseError:
    return ParseError(_("The JSON body is nested too deeply (at most %d levels).") % MAX_DEPTH)


def depth_within(data, limit: int) -> bool:
    """Whether lists and objects nest at most `limit` levels; iterative, so it cannot recurse."""
    level = _containers([data])
    for _depth in range(limit):
        level = _containers(
            child
            for value in level
            for child in (value.values() if isinstance(value, dict) else value)
        )
        if not level:
            return True
    return False


def _containers(values) -> list:
    return [value for value in values if isinstance(value, (list, dict))]
