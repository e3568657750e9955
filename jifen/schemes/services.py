"""Changes to scoring schemes. A scheme under which a month is locked is frozen: changes go
into a new version, so that locked months keep the rules they were scored under."""

from decimal import Decimal
from fractions import Fraction

from django.db import models, transaction
from django.utils.translation import gettext as _

from jifen.audit.services import log_action
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.orgs import rules
from jifen.orgs.models import Organisation
from jifen.schemes import presets
from jifen.schemes.enums import ItemCategory, RequiredFrequency
from jifen.schemes.models import (
    MAX_SHARE_DENOMINATOR,
    ActivityKind,
    CommendationLevel,
    GradeLevel,
    Item,
    Scheme,
)
from jifen.schemes.signals import scheme_changed

# Fields of a scheme that change scores (jifen.schemes.signals.scheme_changed).
SCORING_FIELDS = {
    "base_points",
    "performance_cap",
    "commendation_cap",
    "divisor",
    "exempt_categories",
}
SCHEME_FIELDS = (
    "name",
    "base_points",
    "performance_cap",
    "commendation_cap",
    "divisor",
    "exempt_categories",
    "declaration_deadline_day",
    "review_deadline_day",
    "notice_working_days",
    "appeal_days",
    "answer_working_days",
)
ITEM_FIELDS = (
    "code",
    "name",
    "description",
    "category",
    "points_min",
    "points_max",
    "frequency",
    "annual_cap",
    "evidence_required",
    "member_categories",
    "declarable",
    "order",
)
ACTIVITY_KIND_FIELDS = (
    "code",
    "name",
    "level",
    "required_frequency",
    "required_count",
    "confirms_quarters",
    "attendance_item",
    "absence_item",
    "lead_item",
    "order",
)


def _check_admin(actor, scheme_org: Organisation) -> None:
    if not rules.can_administer(actor, scheme_org):
        raise NotPermitted()


def _check_editable(scheme: Scheme) -> None:
    if scheme.is_locked:
        raise InvalidState(
            _("Months scored under this scheme are locked; make a new version to change it."),
            code="scheme_locked",
        )


@transaction.atomic
def scheme_create_from_preset(
    *, actor, organisation: Organisation, year: int, name: str, grade_scale: str = "seed"
) -> Scheme:
    _check_admin(actor, organisation)
    if Scheme.objects.filter(organisation=organisation, year=year).exists():
        raise InvalidState(_("This organisation already has a scheme for that year."))
    scheme = Scheme.objects.create(
        organisation=organisation, year=year, name=name, created_by=actor
    )
    for order, (code, label, points) in enumerate(presets.COMMENDATION_LEVELS):
        CommendationLevel.objects.create(
            scheme=scheme, code=code, name=label, points=points, order=order
        )
    for order, row in enumerate(presets.GRADE_SCALES[grade_scale]):
        code, label, min_score, rule, share, boundary, mode, unqualified = row
        GradeLevel.objects.create(
            scheme=scheme,
            order=order,
            code=code,
            name=label,
            min_score=min_score,
            rank_rule=rule,
            rank_share=share,
            rank_boundary=boundary,
            rank_mode=mode,
            is_unqualified=unqualified,
        )
    items = {}
    for order, row in enumerate(presets.ITEMS):
        values = dict(zip(presets.ITEM_COLUMNS, row, strict=True))
        items[values["code"]] = Item.objects.create(scheme=scheme, order=order, **values)
    for order, row in enumerate(presets.ACTIVITY_KINDS):
        values = dict(zip(presets.ACTIVITY_KIND_COLUMNS, row, strict=True))
        for field in ("attendance_item", "absence_item", "lead_item"):
            values[field] = items.get(values[field])
        ActivityKind.objects.create(scheme=scheme, order=order, **values)
    scheme_changed.send(sender=Scheme, organisation=organisation, year=year)
    log_action(
        "schemes.scheme.created",
        actor=actor,
        obj=scheme,
        organisation=organisation,
        year=year,
        grade_scale=grade_scale,
    )
    return scheme


@transaction.atomic
def scheme_update(*, actor, scheme: Scheme, **fields) -> Scheme:
    _check_admin(actor, scheme.organisation)
    _check_editable(scheme)
    _only(fields, SCHEME_FIELDS)
    for key, value in fields.items():
        setattr(scheme, key, value)
    if scheme.performance_cap < 0 or scheme.commendation_cap < 0 or scheme.base_points < 0:
        raise DomainError(_("Scores and caps cannot be negative."))
    scheme.save(update_fields=list(fields) or None)
    if set(fields) & SCORING_FIELDS:
        scheme_changed.send(sender=Scheme, organisation=scheme.organisation, year=scheme.year)
    log_action(
        "schemes.scheme.updated",
        actor=actor,
        obj=scheme,
        organisation=scheme.organisation,
        **{k: str(v) for k, v in fields.items()},
    )
    return scheme


def _only(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))


def _validate_item(item: Item) -> None:
    if item.points_min > item.points_max or item.points_min < 0:
        raise DomainError(_("Points run from a lower to a higher value, neither negative."))
    if item.category in (ItemCategory.BASE, ItemCategory.VETO) and item.points_max != 0:
        raise DomainError(_("Base and veto items carry no points of their own."))
    if item.annual_cap is not None and item.annual_cap < item.points_max:
        raise DomainError(_("The annual cap must be at least the item's highest points."))


@transaction.atomic
def item_save(*, actor, scheme: Scheme, item: Item | None = None, **fields) -> Item:
    """Create an item (item=None) or change one; points are magnitudes, deductions included."""
    _check_admin(actor, scheme.organisation)
    _check_editable(scheme)
    _only(fields, ITEM_FIELDS)
    item = item or Item(scheme=scheme)
    if item.scheme_id != scheme.pk:
        raise DomainError(_("The item belongs to another scheme."))
    for key, value in fields.items():
        setattr(item, key, value)
    _validate_item(item)
    if Item.objects.filter(scheme=scheme, code=item.code).exclude(pk=item.pk).exists():
        raise DomainError(_("Another item of this scheme has the code %s.") % item.code)
    item.save()
    log_action(
        "schemes.item.saved",
        actor=actor,
        obj=item,
        organisation=scheme.organisation,
        code=item.code,
        **{k: str(v) for k, v in fields.items() if k != "code"},
    )
    return item


@transaction.atomic
def item_remove(*, actor, item: Item) -> None:
    _check_admin(actor, item.scheme.organisation)
    _check_editable(item.scheme)
    if item.entries.exists() or item.declarations.exists():
        raise InvalidState(
            _("Points were given for this item; it can only be changed in a new version.")
        )
    bound = _kinds_binding(item)
    if bound:
        raise InvalidState(
            _("Kinds of activity give this item (%s): bind them to another item first.")
            % "、".join(kind.name for kind in bound),
            code="item_bound",
        )
    log_action(
        "schemes.item.removed",
        actor=actor,
        obj=item,
        organisation=item.scheme.organisation,
        code=item.code,
    )
    item.delete()


@transaction.atomic
def scheme_new_version(*, actor, scheme: Scheme) -> Scheme:
    """Copy a scheme into the next version, which then applies to months not yet locked."""
    _check_admin(actor, scheme.organisation)
    latest = (
        Scheme.objects.filter(organisation=scheme.organisation, year=scheme.year)
        .order_by("-version")
        .first()
    )
    copy = Scheme.objects.get(pk=scheme.pk)
    copy.pk, copy.version, copy.created_by = None, latest.version + 1, actor
    copy.save()
    for related in ("items", "commendation_levels", "grade_levels"):
        for obj in getattr(scheme, related).all():
            obj.pk, obj.scheme = None, copy
            obj.save()
    # The kinds name the copies of their items, found by code.
    items = {item.code: item for item in copy.items.all()}
    for kind in scheme.activity_kinds.select_related(
        "attendance_item", "absence_item", "lead_item"
    ):
        bound = {field: item and items[item.code] for field, item in kind.item_bindings}
        kind.pk, kind.scheme = None, copy
        for field, item in bound.items():
            setattr(kind, field, item)
        kind.save()
    log_action(
        "schemes.scheme.versioned",
        actor=actor,
        obj=copy,
        organisation=scheme.organisation,
        from_version=scheme.version,
    )
    return copy


@transaction.atomic
def commendation_level_update(
    *, actor, level: CommendationLevel, name: str, points: Decimal
) -> CommendationLevel:
    _check_admin(actor, level.scheme.organisation)
    _check_editable(level.scheme)
    if points < 0:
        raise DomainError(_("Points cannot be negative."))
    level.name, level.points = name, points
    level.save(update_fields=["name", "points"])
    log_action(
        "schemes.commendation_level.updated",
        actor=actor,
        obj=level,
        organisation=level.scheme.organisation,
        name=name,
        points=str(points),
    )
    return level


@transaction.atomic
def grade_level_update(
    *,
    actor,
    level: GradeLevel,
    name: str,
    min_score: Decimal | None,
    rank_rule: str,
    rank_share: Fraction | None,
    rank_boundary: str,
    rank_mode: str,
) -> GradeLevel:
    """Change one step of the grade scale; its order and whether it is the unqualified grade
    (given after a veto) stay as the preset made them."""
    _check_admin(actor, level.scheme.organisation)
    _check_editable(level.scheme)
    if min_score is not None and min_score < 0:
        raise DomainError(_("The minimum year score cannot be negative."))
    if rank_rule:
        _check_share(rank_share)
    fields = {
        "name": name,
        "min_score": min_score,
        "rank_rule": rank_rule,
        "rank_share": rank_share if rank_rule else None,
        "rank_boundary": rank_boundary,
        "rank_mode": rank_mode,
    }
    for key, value in fields.items():
        setattr(level, key, value)
    # The share is stored as its numerator and denominator.
    columns = [key for key in fields if key != "rank_share"]
    level.save(update_fields=[*columns, "rank_share_numerator", "rank_share_denominator"])
    log_action(
        "schemes.grade_level.updated",
        actor=actor,
        obj=level,
        organisation=level.scheme.organisation,
        **{key: str(value) for key, value in fields.items()},
    )
    return level


def _check_share(share: Fraction | None) -> None:
    if share is None or not 0 < share <= 1:
        raise DomainError(
            _("A rank condition needs a share of the ranking between 0 and 1, such as 1/3."),
            code="rank_share_range",
        )
    if share.denominator > MAX_SHARE_DENOMINATOR:
        raise DomainError(
            _("Write the share as a fraction with a denominator of at most %(limit)s.")
            % {"limit": MAX_SHARE_DENOMINATOR},
            code="rank_share_denominator",
        )


# ---------------------------------------------------------------- kinds of activity


def _kinds_binding(item: Item) -> list[ActivityKind]:
    return list(
        ActivityKind.objects.filter(
            models.Q(attendance_item=item) | models.Q(absence_item=item) | models.Q(lead_item=item)
        )
    )


# The categories an item may have for each binding of a kind of activity.
_BINDING_CATEGORIES = {
    "attendance_item": (ItemCategory.BASE, ItemCategory.PERFORMANCE),
    "absence_item": (ItemCategory.DEDUCTION,),
    "lead_item": (ItemCategory.BASE, ItemCategory.PERFORMANCE),
}


def _validate_kind(kind: ActivityKind) -> None:
    if not kind.code.strip() or not kind.name.strip():
        raise DomainError(_("A kind of activity needs a code and a name."))
    if kind.required_frequency != RequiredFrequency.NONE and kind.required_count < 1:
        raise DomainError(_("A required frequency asks for at least one activity a period."))
    for field, item in kind.item_bindings:
        if item is None:
            continue
        label = ActivityKind._meta.get_field(field).verbose_name
        if item.scheme_id != kind.scheme_id:
            raise DomainError(_("The item belongs to another scheme."))
        if item.category not in _BINDING_CATEGORIES[field]:
            raise DomainError(
                _("“%(item)s” cannot be the %(binding)s: it is a %(category)s item.")
                % {"item": item.name, "binding": label, "category": item.get_category_display()},
                code="item_category",
            )
        if not item.fixed_points:
            raise DomainError(
                _("“%(item)s” gives a range of points; an activity's items give fixed points.")
                % {"item": item.name},
                code="item_not_fixed",
            )


@transaction.atomic
def activity_kind_save(
    *, actor, scheme: Scheme, kind: ActivityKind | None = None, **fields
) -> ActivityKind:
    """Create a kind of activity (kind=None) or change one; its bound items are the scheme's."""
    _check_admin(actor, scheme.organisation)
    _check_editable(scheme)
    _only(fields, ACTIVITY_KIND_FIELDS)
    kind = kind or ActivityKind(scheme=scheme)
    if kind.scheme_id != scheme.pk:
        raise DomainError(_("The kind of activity belongs to another scheme."))
    for key, value in fields.items():
        setattr(kind, key, value)
    _validate_kind(kind)
    if ActivityKind.objects.filter(scheme=scheme, code=kind.code).exclude(pk=kind.pk).exists():
        raise DomainError(_("Another kind of activity of this scheme has the code %s.") % kind.code)
    kind.save()
    log_action(
        "schemes.activity_kind.saved",
        actor=actor,
        obj=kind,
        organisation=scheme.organisation,
        code=kind.code,
        **{k: str(v) for k, v in fields.items() if k != "code"},
    )
    return kind


@transaction.atomic
def activity_kind_remove(*, actor, kind: ActivityKind) -> None:
    _check_admin(actor, kind.scheme.organisation)
    _check_editable(kind.scheme)
    if kind.activities.exists():
        raise InvalidState(
            _("Activities of this kind were held; it can only be changed in a new version."),
            code="kind_used",
        )
    log_action(
        "schemes.activity_kind.removed",
        actor=actor,
        obj=kind,
        organisation=kind.scheme.organisation,
        code=kind.code,
    )
    kind.delete()
