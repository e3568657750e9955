from django import template

from jifen.orgs.names import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    """{{ entry.recorded_by|person }}: the person's name, not their username."""
    return person_name(user)
