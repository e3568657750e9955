"""What each import reads and how checked rows reach the roster or the catalogue: always
through the owning app's services (member_bulk_create/member_update, item_save)."""

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from jifen.errors import DomainError, RowsRefused
from jifen.exchange import sheets
from jifen.exchange.sheets import Column, Row
from jifen.orgs import rules
from jifen.orgs import selectors as org_selectors
from jifen.orgs import services as org_services
from jifen.orgs.enums import Gender, MemberCategory, OrgKind, PartyStatus, RoleKind
from jifen.orgs.models import Member, Organisation
from jifen.orgs.validators import (
    id_number_check_code,
    member_date_errors,
    normalise_id_number,
    validate_id_number,
)
from jifen.schemes import services as scheme_services
from jifen.schemes.enums import Frequency, ItemCategory
from jifen.schemes.models import Item, Scheme

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# The template's example member (instructions sheet; older templates had it as the first row):
# a row with this ID number is the example, never a member, whatever else was typed over it.
_EXAMPLE_FIRST17 = "11010119800101001"
EXAMPLE_ID_NUMBER = _EXAMPLE_FIRST17 + id_number_check_code(_EXAMPLE_FIRST17)


# Headers have a translation context of their own: a header may read differently from the same
# word elsewhere (the column "Branch" is 所在支部, the kind of organisation 党支部).
BRANCH_LABEL = pgettext_lazy("spreadsheet column", "Branch")
ID_LABEL = pgettext_lazy("spreadsheet column", "ID number")
BIRTH_LABEL = pgettext_lazy("spreadsheet column", "Birth date")
JOIN_LABEL = pgettext_lazy("spreadsheet column", "Date joined the party")
# The member fields whose plausibility jifen.orgs.validators checks, by their column.
DATE_LABELS = {"id_number": ID_LABEL, "birth_date": BIRTH_LABEL, "join_date": JOIN_LABEL}

ROSTER_COLUMNS = [
    Column(
        "name",
        pgettext_lazy("spreadsheet column", "Name"),
        sheets.name,
        required=True,
        aliases=("党员姓名",),
    ),
    Column(
        "gender",
        pgettext_lazy("spreadsheet column", "Gender"),
        sheets.choice(Gender),
        required=True,
        choices=tuple(Gender.labels),
    ),
    Column("ethnicity", pgettext_lazy("spreadsheet column", "Ethnicity"), sheets.name),
    Column(
        "birth_date",
        BIRTH_LABEL,
        sheets.date,
        is_date=True,
        aliases=("出生年月日", "出生年月", "出生时间"),
    ),
    Column(
        "id_number",
        ID_LABEL,
        sheets.id_text,
        required=True,
        aliases=("身份证号码", "公民身份号码", "身份证"),
        hint=pgettext_lazy(
            "template hint", "18 characters; the column is formatted as text, keep it so."
        ),
    ),
    Column(
        "education",
        pgettext_lazy("spreadsheet column", "Education"),
        sheets.name,
        aliases=("文化程度", "最高学历"),
    ),
    Column(
        "join_date",
        JOIN_LABEL,
        sheets.date,
        required=True,
        is_date=True,
        aliases=("入党时间", "入党年月日"),
    ),
    Column(
        "party_status",
        pgettext_lazy("spreadsheet column", "Party status"),
        sheets.choice(PartyStatus),
        required=True,
        choices=tuple(PartyStatus.labels),
    ),
    Column(
        "category",
        pgettext_lazy("spreadsheet column", "Member category"),
        sheets.choice(MemberCategory),
        required=True,
        choices=tuple(MemberCategory.labels),
        aliases=("党员分类",),
    ),
    Column(
        "branch",
        BRANCH_LABEL,
        sheets.name,
        required=True,
        aliases=("所在党支部", "所属支部", "所属党支部", "党支部"),
        hint=pgettext_lazy("template hint", "The branch's name exactly as in the system."),
    ),
    Column("party_post", pgettext_lazy("spreadsheet column", "Party post"), sheets.text),
    Column(
        "phone",
        pgettext_lazy("spreadsheet column", "Phone"),
        sheets.phone,
        aliases=("手机", "手机号", "手机号码", "电话", "电话号码", "联系方式"),
        hint=pgettext_lazy(
            "template hint", "A mobile number (13800138000) or a landline with its area code."
        ),
    ),
]

ITEM_COLUMNS = [
    Column("code", pgettext_lazy("spreadsheet column", "Code"), sheets.text, required=True),
    Column("name", pgettext_lazy("spreadsheet column", "Item name"), sheets.text, required=True),
    Column("description", pgettext_lazy("spreadsheet column", "Description"), sheets.text),
    Column(
        "category",
        pgettext_lazy("spreadsheet column", "Category"),
        sheets.choice(ItemCategory),
        required=True,
        choices=tuple(ItemCategory.labels),
    ),
    Column(
        "points_min",
        pgettext_lazy("spreadsheet column", "Points (from)"),
        sheets.number,
        required=True,
    ),
    Column(
        "points_max",
        pgettext_lazy("spreadsheet column", "Points (to)"),
        sheets.number,
        required=True,
    ),
    Column(
        "frequency",
        pgettext_lazy("spreadsheet column", "Frequency"),
        sheets.choice(Frequency),
        required=True,
        choices=tuple(Frequency.labels),
    ),
    Column("annual_cap", pgettext_lazy("spreadsheet column", "Annual cap"), sheets.number),
    Column(
        "evidence_required",
        pgettext_lazy("spreadsheet column", "Evidence required"),
        sheets.yes_no,
        choices=sheets.YES_NO,
    ),
    Column(
        "member_categories",
        pgettext_lazy("spreadsheet column", "Member categories (empty: all)"),
        sheets.choice_list(MemberCategory),
    ),
    Column(
        "declarable",
        pgettext_lazy("spreadsheet column", "Members may declare it"),
        sheets.yes_no,
        choices=sheets.YES_NO,
    ),
    Column("order", pgettext_lazy("spreadsheet column", "Order"), sheets.whole_number),
]


def _one_by_one(rows: list[Row], apply: Callable[[dict], str]) -> dict[int, str]:
    """Outcomes of applying each row through its service. The services are atomic themselves:
    inside the import's transaction each runs in a savepoint, so a refused row leaves nothing
    behind and the others carry on."""
    outcomes = {}
    for row in rows:
        try:
            outcomes[row.number] = apply(row.values)
        except DomainError as error:
            row.error("", error.message)
    return outcomes


def roster_example(branch_name: str) -> dict:
    """The example member of the roster template, by column key."""
    return {
        "name": _("Zhang San"),
        "gender": str(Gender.MALE.label),
        "ethnicity": "汉族",
        "birth_date": "1980-01-01",
        "id_number": EXAMPLE_ID_NUMBER,
        "education": _("University"),
        "join_date": "2005-07-01",
        "party_status": str(PartyStatus.FULL.label),
        "category": str(MemberCategory.IN_SERVICE.label),
        "branch": branch_name,
        "party_post": "",
        "phone": "13800138000",
    }


class RosterImporter:
    """Rows are matched on the ID number (jifen.orgs.selectors.members_by_id_number): a new
    number creates a member, a known one is updated where it differs, so re-importing the same
    file changes nothing."""

    columns = ROSTER_COLUMNS
    key = "id_number"

    def __init__(self, actor, scheme: Scheme | None = None, *, dry_run: bool = False):
        """`dry_run`: the preview, rolled back afterwards; new members are only checked."""
        self.actor, self.dry_run = actor, dry_run
        branches = rules.visible_organisations(actor, [RoleKind.ADMIN]).filter(
            kind=OrgKind.BRANCH, is_active=True
        )
        # Names as a cell is read: a branch typed with a full-width space is still found.
        self.branches = {}
        for branch in branches:
            self.branches.setdefault(sheets.name(branch.name), []).append(branch)
        self.existing: dict[str, Member] = {}
        self.today = timezone.localdate()

    def skip(self, row: Row) -> str | None:
        """Why the row is left out, or None: the template's example is no member."""
        if row.values.get("id_number") == EXAMPLE_ID_NUMBER:
            return _(
                "Row %(number)d is the template's example (%(name)s) and was not imported."
            ) % {"number": row.number, "name": row.values.get("name", "")}
        return None

    def lock(self, rows: list[Row]) -> None:
        """Lock the branches the file names, in one order so that two imports cannot deadlock;
        an import into them waits until this one is committed."""
        ids = {
            branch.pk for row in rows for branch in self.branches.get(row.values.get("branch"), [])
        }
        list(
            Organisation.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def preload(self, rows: list[Row]) -> None:
        # Keyed by the normalised number; ID numbers are found only through their blind index.
        self.existing = org_selectors.members_by_id_number(
            row.values.get("id_number") for row in rows
        )

    def _known(self, values: dict) -> Member | None:
        return self.existing.get(normalise_id_number(values.get("id_number", "")))

    def check(self, row: Row) -> None:
        values = row.values
        if "id_number" in values:
            try:
                validate_id_number(values["id_number"])
            except ValidationError as error:
                row.error(ID_LABEL, " ".join([*error.messages, *_rounded(values["id_number"])]))
        self._check_dates(row)
        if "branch" in values:
            self._check_branch(row)

    def _check_dates(self, row: Row) -> None:
        """The roster's own rule (member_date_errors), reported in the columns it concerns. A
        column the file leaves out keeps a known member's value."""
        member = self._known(row.values)
        dates = {
            key: row.values.get(key, getattr(member, key, None))
            for key in ("birth_date", "join_date")
        }
        errors = member_date_errors(
            id_number=row.values.get("id_number", ""), today=self.today, **dates
        )
        for key, message in errors.items():
            row.error(DATE_LABELS[key], message)

    def _check_branch(self, row: Row) -> None:
        found = self.branches.get(row.values["branch"], [])
        if len(found) != 1:
            message = (
                _("Several branches you manage have this name.")
                if found
                else _("No branch of this name that you may manage.")
            )
            row.error(BRANCH_LABEL, message)
            return
        member = self._known(row.values)
        if member is not None and member.branch_id != found[0].pk:
            row.error(
                BRANCH_LABEL,
                _("This member belongs to %(branch)s; transfers are made on the roster page.")
                % {"branch": member.branch.name},
            )

    def apply_rows(self, rows: list[Row]) -> dict[int, str]:
        """New members are created together, in one member_bulk_create; known ones are updated
        one by one (a changed row is rare)."""
        new = [row for row in rows if self._known(row.values) is None]
        known = [row for row in rows if self._known(row.values) is not None]
        return _one_by_one(known, self._update) | self._create(new)

    def _create(self, rows: list[Row]) -> dict[int, str]:
        # The batch is atomic: when the service refuses some rows nothing is written, so those
        # rows are reported and the call repeated without them.
        service = (
            org_services.member_bulk_check if self.dry_run else org_services.member_bulk_create
        )
        while rows:
            try:
                service(actor=self.actor, rows=[self._member_row(row.values) for row in rows])
            except RowsRefused as refused:
                for index, message in refused.errors.items():
                    rows[index].error("", message)
                rows = [row for index, row in enumerate(rows) if index not in refused.errors]
            except DomainError as error:
                for row in rows:
                    row.error("", error.message)
                return {}
            else:
                return dict.fromkeys((row.number for row in rows), CREATED)
        return {}

    def _member_row(self, values: dict) -> dict:
        return {**values, "branch": self.branches[values["branch"]][0]}

    def _update(self, values: dict) -> str:
        fields = {k: v for k, v in values.items() if k != "branch"}
        member = self._known(values)
        fields["id_number"] = member.id_number  # the same number, perhaps written otherwise
        changed = {k: v for k, v in fields.items() if getattr(member, k) != v}
        if not changed:
            return UNCHANGED
        if not rules.can_administer(self.actor, member.branch):
            raise DomainError(_("This ID number belongs to a member you may not manage."))
        org_services.member_update(actor=self.actor, member=member, **changed)
        return UPDATED


def _rounded(number: str) -> list[str]:
    """A hint when a wrong number looks like one a spreadsheet rounded (15 digits kept)."""
    if len(number) == 18 and number.isdigit() and number.endswith("000"):
        return [
            _(
                "It ends in 000: a spreadsheet probably stored it as a number and lost its last "
                "digits. Set the column's format to Text (文本) and type the full number again."
            )
        ]
    return []


class ItemImporter:
    """Rows are matched on the item code within the scheme, like the roster on ID numbers."""

    columns = ITEM_COLUMNS
    key = "code"

    def __init__(self, actor, scheme: Scheme, *, dry_run: bool = False):
        # The preview runs each item through item_save and rolls it back: a catalogue is short.
        self.actor, self.scheme = actor, scheme
        self.existing: dict[str, Item] = {}

    def skip(self, row: Row) -> str | None:
        return None

    def lock(self, rows: list[Row]) -> None:
        """Imports into the same scheme wait for each other, as roster imports do."""
        list(
            Scheme.objects.select_for_update()
            .filter(pk=self.scheme.pk)
            .values_list("pk", flat=True)
        )

    def preload(self, rows: list[Row]) -> None:
        self.existing = {item.code: item for item in self.scheme.items.all()}

    def check(self, row: Row) -> None:
        # Points are kept to one decimal; item_save would store a finer value rounded.
        for column in ITEM_COLUMNS:
            value = row.values.get(column.key)
            if isinstance(value, Decimal) and value != round(value, 1):
                row.error(column.label, _("Points have at most one decimal place."))

    def apply_rows(self, rows: list[Row]) -> dict[int, str]:
        return _one_by_one(rows, self._apply)

    def _apply(self, values: dict) -> str:
        item = self.existing.get(values["code"])
        if item is None:
            scheme_services.item_save(actor=self.actor, scheme=self.scheme, **values)
            return CREATED
        changed = {k: v for k, v in values.items() if getattr(item, k) != v}
        if not changed:
            return UNCHANGED
        scheme_services.item_save(actor=self.actor, scheme=self.scheme, item=item, **changed)
        return UPDATED


IMPORTERS = {"roster": RosterImporter, "items": ItemImporter}
