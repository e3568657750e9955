"""The read model of standings (models.Standing): each member's month, quarter and year so far,
with ranks, as of the end of each month. Pages read one row instead of computing a branch.

It is kept here, in the archive's write path, so that every source of points keeps it current
without knowing about it: `append_entry` calls `touch`, and changes of placement or scheme
reach `refresh_members` through the signals of jifen.orgs and jifen.schemes (apps.py). A
member's rows are computed from the archive under the scheme of each month (the one it was
locked under, else the newest), with the arithmetic of jifen.schemes.arithmetic; the ranks of
a branch's rows are computed in SQL, with window functions, over the whole branch at once.
Members whose rows can only be the same (Shared: a roster import's new members, a branch at a
time) are computed once and their rows copied in SQL.

Locks: whoever changes a branch's standings first takes the branch's `Ranking` row (after the
month and the member, README "Dangerous constructs"), in the order of the branches' ids, and
only then reads and writes: two writers of one branch re-rank one after the other, each from
what the other committed. Bulk paths mark what they change inside `batch()` and bring the
standings up to date once, set-wise, at its end, still inside their transaction.
"""

import datetime
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from jifen.ledger.models import Period, Ranking, RankingMonth, Standing
from jifen.ledger.selectors import month_sums
from jifen.orgs.models import Member, Organisation, Placement
from jifen.schemes import arithmetic
from jifen.schemes.enums import Divisor
from jifen.schemes.models import Scheme
from jifen.schemes.selectors import pick_scheme, schemes_for_year

MONTHS = range(1, 13)
# What a refresh writes; the ranks are written by _rerank alone.
COMPUTED = [
    "branch_id",
    "base",
    "cap",
    "performance",
    "deductions",
    "month_score",
    "quarter_score",
    "year_score",
    "divisor",
    "commendation",
    "vetoed",
    "exempt_reason",
    "exempt_category",
]
RANKS = [
    "month_rank",
    "quarter_rank",
    "year_rank",
    "month_ranked",
    "quarter_ranked",
    "year_ranked",
    "year_tied",
]

_pending = threading.local()


class Row:
    """A row of the standings as computed, without a model instance: a roster import of ten
    thousand members makes 120,000 of them, which the ORM would take minutes to prepare."""

    __slots__ = ("member_id", "year", "month", *COMPUTED, *RANKS)

    def __init__(self, **fields):
        for name in self.__slots__:
            setattr(self, name, None)
        self.performance = self.deductions = self.commendation = arithmetic.ZERO
        self.divisor, self.vetoed, self.exempt_reason, self.exempt_category = 0, False, "", ""
        for name in RANKS[3:]:
            setattr(self, name, 0)
        for name, value in fields.items():
            setattr(self, name, value)

    def values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def for_member(self, member_id: int) -> "Row":
        """The same row for another member."""
        row = object.__new__(Row)
        for name, value in zip(self.__slots__, self.values(), strict=True):
            setattr(row, name, value)
        row.member_id = member_id
        return row


def year_bounds(year: int) -> Q:
    """Placements that overlap the year."""
    return Q(start__lte=datetime.date(year, 12, 31)) & (
        Q(end__isnull=True) | Q(end__gte=datetime.date(year, 1, 1))
    )


def months_in_year(start: datetime.date, end: datetime.date | None, year: int) -> range:
    first = 1 if start.year < year else start.month
    last = 12 if end is None or end.year > year else end.month
    return range(first, last + 1)


def _tenths(value) -> Decimal:
    return Decimal(value).scaleb(-1)


# ---------------------------------------------------------------- computing a member's rows


class _Book:
    """Which scheme applies to each branch's month of the year: the one it was locked under,
    else the newest version held by the branch or its nearest ancestor."""

    def __init__(self, branch_ids: set[int], year: int):
        branches = Organisation.objects.filter(pk__in=branch_ids).only("pk", "path")
        ancestors = {i for b in branches for i in b.ancestor_ids}
        schemes = list(schemes_for_year(list(ancestors), year))
        self.newest = {b.pk: pick_scheme(schemes, b) for b in branches}
        locks = Period.objects.locked().filter(branch_id__in=branch_ids, year=year)
        self.locked = {(p.branch_id, p.month): p.scheme for p in locks.select_related("scheme")}

    def for_month(self, branch_id: int, month: int) -> Scheme | None:
        return self.locked.get((branch_id, month)) or self.newest.get(branch_id)


@dataclass
class _Member:
    member_id: int
    category: str
    exempt_reason: str
    spans: list  # (branch id, months) per placement, oldest first


def _placements(year: int, scope: Q) -> dict[int, _Member]:
    rows = (
        Placement.objects.filter(scope, year_bounds(year))
        .order_by("member_id", "start")
        .values_list(
            "member_id", "branch_id", "start", "end", "member__category", "member__exempt_reason"
        )
    )
    members = {}
    for member_id, branch_id, start, end, category, exempt_reason in rows:
        member = members.setdefault(member_id, _Member(member_id, category, exempt_reason, []))
        member.spans.append((branch_id, months_in_year(start, end, year)))
    return members


def _member_rows(member: _Member, year: int, book: _Book, sums: dict) -> list[Row]:
    """The member's twelve rows, or none when no scheme applies to them in the year."""
    branch_id = member.spans[-1][0]
    scheme = book.newest.get(branch_id)
    month_branch = {m: b for b, months in member.spans for m in months}
    plan = {}  # month → the scheme it is scored under
    for month, month_branch_id in month_branch.items():
        if (month_scheme := book.for_month(month_branch_id, month)) is not None:
            plan[month] = month_scheme
    if scheme is None and not plan:
        return []
    own = {m: sums.get((member.member_id, m), (0, 0, 0, 0)) for m in MONTHS}
    vetoed = any(values[3] for values in own.values())
    year_parts = {"vetoed": vetoed, "commendation": arithmetic.ZERO}
    exempt_category = ""
    if scheme is not None:
        top = _tenths(max(values[2] for values in own.values()))
        year_parts["commendation"] = arithmetic.commendation_bonus([top], scheme.commendation_cap)
        if member.category in scheme.exempt_categories:
            exempt_category = member.category
    exempt = bool(exempt_category or (scheme is not None and member.exempt_reason))
    rows, scores = [], {}
    for month in MONTHS:
        performance, deductions = own[month][0], own[month][1]
        row = Row(
            member_id=member.member_id,
            year=year,
            month=month,
            branch_id=branch_id,
            performance=_tenths(performance),
            deductions=_tenths(deductions),
            exempt_reason=member.exempt_reason if scheme is not None else "",
            exempt_category=exempt_category,
            **year_parts,
        )
        if month in plan:
            base, cap = plan[month].base_points, plan[month].performance_cap
            row.base, row.cap = base, cap
            points = arithmetic.month_points(int(base * 10), int(cap * 10), performance, deductions)
            scores[month] = _tenths(points)
            row.month_score = None if exempt else scores[month]
        if not exempt:
            _so_far(row, scores, scheme)
        rows.append(row)
    return rows


def _so_far(row: Row, scores: dict[int, Decimal], scheme: Scheme | None) -> None:
    """The quarter's and the year's scores as they stand at the end of the row's month."""
    first = (row.month - 1) // 3 * 3 + 1
    quarter = [scores[m] for m in range(first, row.month + 1) if m in scores]
    if quarter:
        row.quarter_score = arithmetic.round1(sum(quarter, arithmetic.ZERO) / len(quarter))
    year = [scores[m] for m in range(1, row.month + 1) if m in scores]
    if scheme is None or not year:
        return
    row.divisor = len(year) if scheme.divisor == Divisor.MONTHS_BELONGED else 12
    row.year_score = arithmetic.year_score(
        [sum(year, arithmetic.ZERO)], row.divisor, row.commendation, row.vetoed
    )


@dataclass
class Shared:
    """Members whose rows of the year are the same but for the member, and those rows as
    computed for the first of them: the same placements, category, exemption and points (the
    new members of a roster import, a branch at a time) are computed and written once."""

    member_ids: list[int]
    rows: list[Row]

    def expanded(self) -> list[Row]:
        others = self.member_ids[1:]
        return self.rows + [row.for_member(m) for m in others for row in self.rows]


def compute_shared(year: int, scope: Q) -> list[Shared]:
    """The rows of every member placed in the year whose placements match `scope` (a filter on
    Placement), computed from the archive: a few queries, whatever the number of members, and
    one computation for members whose rows can only be the same."""
    members = _placements(year, scope)
    if not members:
        return []
    book = _Book({b for m in members.values() for b, _months in m.spans}, year)
    placed = Placement.objects.filter(scope, year_bounds(year)).order_by().values("member_id")
    entries = Q(member_id__in=placed)
    sums = {
        (member_id, month): tuple(values[:4])
        for member_id, month, *values in month_sums(entries, year)
        if member_id in members
    }
    alike = {}  # everything _member_rows reads of a member but the id → those members
    for m in members.values():
        own = tuple(sums.get((m.member_id, month)) for month in MONTHS)
        alike.setdefault((tuple(m.spans), m.category, m.exempt_reason, own), []).append(m)
    shared = []
    for group in alike.values():
        if rows := _member_rows(group[0], year, book, sums):
            shared.append(Shared([m.member_id for m in group], rows))
    return shared


# ---------------------------------------------------------------- ranks, in SQL


def _rank_sql(vendor: str) -> str:
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    table = Standing._meta.db_table

    def rank(score: str, over: str) -> str:
        return (
            f"CASE WHEN {score} IS NULL THEN NULL ELSE RANK() OVER "
            f"(PARTITION BY month ORDER BY {score} DESC NULLS LAST) END AS {over}"
        )

    changed = " OR ".join(f"{table}.{name} {differs} ranked.{name}" for name in RANKS)
    settings = ", ".join(f"{name} = ranked.{name}" for name in RANKS)
    return f"""
        WITH ranked AS (
            SELECT id,
                {rank("month_score", "month_rank")},
                {rank("quarter_score", "quarter_rank")},
                {rank("year_score", "year_rank")},
                COUNT(month_score) OVER (PARTITION BY month) AS month_ranked,
                COUNT(quarter_score) OVER (PARTITION BY month) AS quarter_ranked,
                COUNT(year_score) OVER (PARTITION BY month) AS year_ranked,
                CASE WHEN year_score IS NULL THEN 0
                     ELSE COUNT(*) OVER (PARTITION BY month, year_score) END AS year_tied
            FROM {table}
            WHERE branch_id = %s AND year = %s AND month >= %s
        )
        UPDATE {table} SET {settings}
        FROM ranked
        WHERE {table}.id = ranked.id AND ({changed})
    """


def _rerank(branch_id: int, year: int, first_month: int) -> None:
    """Rank the branch's rows of the year from `first_month` on (ties share a rank, members
    without a score have none); only rows whose rank or count changed are written. The
    months' sums of scores are counted again with them."""
    with connection.cursor() as cursor:
        cursor.execute(_rank_sql(connection.vendor), [branch_id, year, first_month])
    sums = (
        Standing.objects.filter(
            branch_id=branch_id, year=year, month__gte=first_month, month_score__isnull=False
        )
        .order_by()
        .values("month")
        .annotate(scored=Count("pk"), total=Sum("month_score"))
    )
    found = {row["month"]: row for row in sums}
    RankingMonth.objects.bulk_create(
        [
            RankingMonth(
                branch_id=branch_id,
                year=year,
                month=month,
                scored=found.get(month, {}).get("scored", 0),
                total=found.get(month, {}).get("total") or 0,
            )
            for month in range(first_month, 13)
        ],
        update_conflicts=True,
        unique_fields=["branch", "year", "month"],
        update_fields=["scored", "total"],
    )


# ---------------------------------------------------------------- keeping them current


# Members sharing their rows (Shared) beyond this many are written by copying the first
# member's rows in SQL, this many at a time: binding every value of ten thousand members'
# twelve rows costs more than the database's work.
_COPIED = 20
_COPY_BATCH = 900  # member ids bound in one statement: within SQLite's limit of parameters


def _write(shared: list[Shared]) -> None:
    """Insert the rows, or update the computed columns of those already there."""
    one_by_one = [
        row
        for group in shared
        for row in (group.rows if len(group.member_ids) > _COPIED else group.expanded())
    ]
    _write_rows(one_by_one)
    for group in shared:
        if len(group.member_ids) > _COPIED:
            _copy_rows(group)


def _on_conflict() -> str:
    updates = ", ".join(f"{name} = excluded.{name}" for name in COMPUTED)
    return f"ON CONFLICT (member_id, year, month) DO UPDATE SET {updates}"


def _write_rows(rows: list[Row]) -> None:
    """One statement executed for all the rows, without the ORM's preparation of each field."""
    if not rows:
        return
    table = connection.ops.quote_name(Standing._meta.db_table)
    names = Row.__slots__
    sql = (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) "
        f"{_on_conflict()}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [row.values() for row in rows])


def _copied(name: str) -> str:
    """What _copy_rows selects for a column."""
    if name == "member_id":
        return "member.id"
    if name in RANKS:
        value = getattr(Row(), name)
        return "NULL" if value is None else str(int(value))
    return f"standing.{name}"


def _copy_rows(group: Shared) -> None:
    """The first member's rows (just written) copied to the group's other members, with the
    ranks a new row has (Row's); _rerank sets them."""
    table, members = (connection.ops.quote_name(m._meta.db_table) for m in (Standing, Member))
    columns = ", ".join(_copied(name) for name in Row.__slots__)
    first, *others = group.member_ids
    with connection.cursor() as cursor:
        for start in range(0, len(others), _COPY_BATCH):
            ids = others[start : start + _COPY_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(Row.__slots__)}) "
                f"SELECT {columns} FROM {table} AS standing, {members} AS member "
                f"WHERE standing.member_id = %s AND standing.year = %s "
                f"AND member.id IN ({', '.join(['%s'] * len(ids))}) {_on_conflict()}",
                [first, group.rows[0].year, *ids],
            )


def _lock(branch_ids: Iterable[int], year: int) -> None:
    """Take the rankings of these branches' year, in the order of their ids."""
    branch_ids = sorted(set(branch_ids))
    Ranking.objects.bulk_create(
        [Ranking(branch_id=b, year=year) for b in branch_ids], ignore_conflicts=True
    )
    list(
        Ranking.objects.select_for_update()
        .filter(branch_id__in=branch_ids, year=year)
        .order_by("branch_id")
        .values_list("pk", flat=True)
    )


SCORES = ["branch_id", "month_score", "quarter_score", "year_score"]


@transaction.atomic(savepoint=False)
def _refresh(year: int, member_ids: set[int]) -> None:
    """Compute these members' rows of the year again, write them, and re-rank each branch
    they are or were ranked in from the first month whose scores changed."""
    held = Standing.objects.filter(member_id__in=member_ids, year=year)
    before = {(r[0], r[1]): r[2:] for r in held.values_list("member_id", "month", *SCORES)}
    placed = set(
        Placement.objects.filter(year_bounds(year), member_id__in=member_ids).values_list(
            "branch_id", flat=True
        )
    )
    _lock({values[0] for values in before.values()} | placed, year)
    # Computed under the lock: what a writer who held it before us committed is read here.
    shared = compute_shared(year, Q(member_id__in=member_ids))
    months = _months(shared)
    gone = {member_id for member_id, month in before if month not in months.get(member_id, ())}
    Standing.objects.filter(member_id__in=gone, year=year).delete()
    _write(shared)
    for branch_id, month in sorted(_first_changes(before, shared, months).items()):
        _rerank(branch_id, year, month)


def _months(shared: list[Shared]) -> dict[int, frozenset[int]]:
    """Each member → the months they have rows for."""
    months = {}
    for group in shared:
        months.update(dict.fromkeys(group.member_ids, frozenset(row.month for row in group.rows)))
    return months


def _first_changes(before: dict, shared: list[Shared], months: dict) -> dict[int, int]:
    """Each branch whose scores changed → the first month they changed in: where a row's
    scores differ from `before`'s, or a row was added or removed."""
    first = {}

    def changed(month: int, *scores) -> None:
        for branch_id in {values[0] for values in scores if values}:
            first[branch_id] = min(first.get(branch_id, 12), month)

    held = {member_id for member_id, _month in before}
    for group in shared:
        now = [(row.month, tuple(getattr(row, name) for name in SCORES)) for row in group.rows]
        # A member without rows before (as a new member): every row of theirs is new.
        if any(member_id not in held for member_id in group.member_ids):
            for month, scores in now:
                changed(month, scores)
        for member_id in held.intersection(group.member_ids):
            for month, scores in now:
                if scores != (was := before.get((member_id, month))):
                    changed(month, scores, was)
    for (member_id, month), was in before.items():
        if month not in months.get(member_id, ()):
            changed(month, was)
    return first


def touch(member_id: int, year: int) -> None:
    """An entry of the member's year was written: bring their standings up to date now, or at
    the end of the batch this runs in."""
    refresh_members([member_id], [year])


def refresh_members(member_ids: Iterable[int], years: Iterable[int]) -> None:
    """The archive, placements or a scheme changed for these members: compute their years
    again, now or at the end of the batch this runs in."""
    member_ids = set(member_ids)
    marks = getattr(_pending, "marks", None)
    for year in sorted(set(years)):
        if marks is None:
            _refresh(year, member_ids)
        else:
            marks.setdefault(year, set()).update(member_ids)


@contextmanager
def batch():
    """Entries written inside only mark their member's year; the standings are brought up to
    date once at the end, set-wise: for bulk paths (bulk review, imports, the demo), whose cost
    per entry must stay small. Runs inside the caller's transaction."""
    if getattr(_pending, "marks", None) is not None:
        yield  # an outer batch brings everything up to date
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("standings.batch() runs inside a transaction")
    _pending.marks = {}
    try:
        yield
        marks = _pending.marks
    finally:
        _pending.marks = None
    for year, member_ids in sorted(marks.items()):
        _refresh(year, member_ids)


# ---------------------------------------------------------------- the whole read model


def scored_years() -> list[int]:
    return sorted(set(Scheme.objects.values_list("year", flat=True)))


def _branch_chunks(year: int, size: int = 5000):
    """The branches with members in the year, in groups of about `size` members."""
    counts = (
        Placement.objects.filter(year_bounds(year))
        .values_list("branch_id")
        .annotate(n=Count("pk"))
        .order_by("branch_id")
    )
    chunk, members = [], 0
    for branch_id, count in counts:
        chunk.append(branch_id)
        members += count
        if members >= size:
            yield chunk
            chunk, members = [], 0
    if chunk:
        yield chunk


def _expected(year: int):
    """Every row the year should have, a group of branches at a time: each member is computed
    with the group of the branch they are ranked in, so that each group holds whole branches."""
    for chunk in _branch_chunks(year):
        members = Placement.objects.filter(year_bounds(year), branch_id__in=chunk)
        shared = compute_shared(year, Q(member_id__in=members.values("member_id")))
        # A group's rows are all ranked in one branch.
        yield [group for group in shared if group.rows[0].branch_id in chunk]


@transaction.atomic
def rebuild() -> int:
    """Make every row again from the archive, placements and schemes; returns how many."""
    Standing.objects.all().delete()
    RankingMonth.objects.all().delete()
    for year in scored_years():
        branch_ids = set()
        for shared in _expected(year):
            _write(shared)
            branch_ids |= {group.rows[0].branch_id for group in shared}
        _lock(branch_ids, year)
        for branch_id in sorted(branch_ids):
            _rerank(branch_id, year, 1)
    return Standing.objects.count()


def _ranked(rows: list[Row]) -> None:
    """The ranks of whole branches' rows, worked out in Python: what the SQL must agree with."""
    groups = defaultdict(list)
    for row in rows:
        groups[row.branch_id, row.month].append(row)
    for group in groups.values():
        for kind in ("month", "quarter", "year"):
            scores = {r.member_id: getattr(r, f"{kind}_score") for r in group}
            ranks = arithmetic.competition_ranks({k: v for k, v in scores.items() if v is not None})
            for r in group:
                setattr(r, f"{kind}_rank", ranks.get(r.member_id))
                setattr(r, f"{kind}_ranked", len(ranks))
        tied = defaultdict(int)
        for r in group:
            tied[r.year_score] += r.year_score is not None
        for r in group:
            r.year_tied = tied[r.year_score] if r.year_score is not None else 0


FIELDS = [*COMPUTED, *RANKS]


def differences() -> list[tuple[int | None, int, int, str]]:
    """Where the rows differ from what the archive says now: (member, year, month, what), what
    being "missing", "extra", the fields that differ, or "sums:<branch>" for a branch-month's
    sum of scores (member None)."""
    found = []
    for year in scored_years():
        for shared in _expected(year):
            rows = [row for group in shared for row in group.expanded()]
            _ranked(rows)
            branch_ids = {r.branch_id for r in rows}
            stored = Standing.objects.filter(year=year, branch_id__in=branch_ids)
            found += _compare({(r.member_id, r.month): r for r in rows}, stored, year)
            found += _compare_months(rows, branch_ids, year)
        placed = Placement.objects.filter(year_bounds(year)).values("member_id")
        unplaced = Standing.objects.filter(year=year).exclude(member_id__in=placed)
        found += [(m, year, month, "extra") for m, month in unplaced.values_list("member", "month")]
    return found


def _compare_months(rows: list[Row], branch_ids, year: int) -> list:
    """The months' sums of scores kept for the dashboards, against the rows they sum."""
    expected = defaultdict(lambda: [0, arithmetic.ZERO])
    for row in rows:
        if row.month_score is not None:
            expected[row.branch_id, row.month][0] += 1
            expected[row.branch_id, row.month][1] += row.month_score
    stored = RankingMonth.objects.filter(year=year, branch_id__in=branch_ids)
    kept = {(m.branch_id, m.month): [m.scored, m.total] for m in stored if m.scored}
    wrong = sorted(key for key in expected.keys() | kept.keys() if expected[key] != kept.get(key))
    return [(None, year, month, f"sums:{branch_id}") for branch_id, month in wrong]


def _compare(expected: dict, stored, year: int) -> list[tuple[int, int, int, str]]:
    stored = {(r.member_id, r.month): r for r in stored}
    found = []
    for member_id, month in sorted(expected.keys() | stored.keys()):
        want, have = expected.get((member_id, month)), stored.get((member_id, month))
        if want is None or have is None:
            found.append((member_id, year, month, "missing" if have is None else "extra"))
            continue
        wrong = [f for f in FIELDS if getattr(want, f) != getattr(have, f)]
        if wrong:
            found.append((member_id, year, month, ", ".join(wrong)))
    return found


# ---------------------------------------------------------------- signals (apps.py)


def on_members_changed(sender, member_ids, **kwargs) -> None:
    member_ids = list(member_ids)
    spans = Placement.objects.filter(member_id__in=member_ids).values_list("start", "end")
    first = min((start.year for start, _end in spans), default=None)
    if first is None:
        return
    open_ended = any(end is None for _start, end in spans)
    last = max((end.year for _start, end in spans if end is not None), default=first)
    years = [y for y in scored_years() if y >= first and (open_ended or y <= last)]
    refresh_members(member_ids, years)


def on_scheme_changed(sender, organisation, year, **kwargs) -> None:
    placed = Placement.objects.filter(
        year_bounds(year), branch__path__startswith=organisation.path
    ).values_list("member_id", flat=True)
    refresh_members(placed, [year])


def on_migrated(sender, using="default", **kwargs) -> None:
    """A database migrated to the read model with an archive already in it (an upgrade) gets
    its standings made once; a new or empty database has nothing to make."""
    if Ranking.objects.using(using).exists() or not Placement.objects.using(using).exists():
        return
    rebuild()
