"""Reads of the audit log and the access records for review and export, filtered by who, what,
organisation and period. The caller scopes them: `organisations` are those the reader may see
(jifen.orgs.rules), and `everything` (a superuser) adds the records that name no organisation,
such as sign-ins and purges."""

import datetime
from dataclasses import asdict, dataclass, fields

from django.db.models import QuerySet
from django.utils import timezone

from jifen.audit.models import AccessRecord, AuditEvent, Channel


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Period:
    since: datetime.date | None = None
    until: datetime.date | None = None  # inclusive

    def apply(self, records: QuerySet) -> QuerySet:
        if self.since:
            records = records.filter(at__gte=_day_start(self.since))
        if self.until:
            records = records.filter(at__lt=_day_start(self.until + datetime.timedelta(days=1)))
        return records


def _scoped(records: QuerySet, organisations: QuerySet, everything: bool, chosen) -> QuerySet:
    """Records of `organisations` (or all, records without one included, for `everything`),
    then of the `chosen` one among them with its subtree."""
    if not everything:
        records = records.filter(organisation__in=organisations)
    if chosen is not None:
        path = organisations.filter(pk=chosen).values_list("path", flat=True).first()
        records = records.filter(organisation__path__startswith=path) if path else records.none()
    return records


class _Params:
    """Filters as JSON-safe strings (query strings, background export jobs) and back."""

    def params(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items() if v not in (None, "")}

    @classmethod
    def from_params(cls, params) -> "_Params":
        """Raises ValueError for a value that is not what its filter takes."""
        values = {}
        for field in fields(cls):
            raw = (params.get(field.name) or "").strip()
            if not raw:
                continue
            if field.name in ("since", "until"):
                values[field.name] = datetime.date.fromisoformat(raw)
            elif field.name == "organisation":
                values[field.name] = int(raw)
            else:
                values[field.name] = raw
        return cls(**values)


@dataclass(frozen=True)
class EventFilter(_Params):
    who: str = ""  # the user name contains this
    action: str = ""  # the action starts with this: "orgs.member", "ledger"
    organisation: int | None = None  # with its subtree
    since: datetime.date | None = None
    until: datetime.date | None = None


def events(organisations, wanted: EventFilter, *, everything=False) -> QuerySet[AuditEvent]:
    records = _scoped(AuditEvent.objects.all(), organisations, everything, wanted.organisation)
    if wanted.who:
        records = records.filter(actor_name__icontains=wanted.who)
    if wanted.action:
        records = records.filter(action__startswith=wanted.action)
    records = Period(wanted.since, wanted.until).apply(records)
    return records.select_related("organisation").order_by("-at", "-id")


@dataclass(frozen=True)
class AccessFilter(_Params):
    who: str = ""  # the viewer's user name contains this
    whose: str = ""  # the member's name contains this
    channel: str = ""
    organisation: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None

    def __post_init__(self):
        if self.channel and self.channel not in Channel.values:
            raise ValueError(self.channel)


def accesses(organisations, wanted: AccessFilter, *, everything=False) -> QuerySet[AccessRecord]:
    records = _scoped(AccessRecord.objects.all(), organisations, everything, wanted.organisation)
    if wanted.who:
        records = records.filter(viewer_name__icontains=wanted.who)
    if wanted.whose:
        records = records.filter(member_name__icontains=wanted.whose)
    if wanted.channel:
        records = records.filter(channel=wanted.channel)
    records = Period(wanted.since, wanted.until).apply(records)
    return records.select_related("organisation").order_by("-at", "-id")
