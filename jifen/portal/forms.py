"""Input checks only: whether a value is well formed. What is allowed is the domain's call."""

import datetime
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jifen import formats as fmt
from jifen.activities.enums import Audience, Outcome
from jifen.cycle.enums import HandlingMeasure
from jifen.declarations.enums import Decision
from jifen.declarations.models import DESCRIPTION_MAX_LENGTH
from jifen.ledger.periods import OpenMonth
from jifen.portal.selectors import recent_months
from jifen.schemes.enums import ItemCategory
from jifen.schemes.models import Item


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    return [(f"{y}-{m:02d}", f"{y}-{m:02d}") for y, m in recent_months(today)]


def parse_period(value: str) -> tuple[int, int]:
    year, month = value.split("-")
    return int(year), int(month)


class BootstrapForm(forms.Form):
    """Gives each widget Bootstrap's class, so templates can loop over the fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # Chinese labels take no ASCII colon
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class PeriodForm(forms.Form):
    """The month a branch page shows, from the query string (?period=2026-03)."""

    period = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", label=_("Month"))

    def month(self, today: datetime.date) -> tuple[int, int]:
        if self.is_valid():
            return parse_period(self.cleaned_data["period"])
        return today.year, today.month


class ReviewFilterForm(forms.Form):
    """The review queue's filters, from the query string (?state=pending&item=12): a value
    that does not fit is ignored, and the queue shows everything."""

    STATES = [
        ("pending", _("Waiting for review")),
        ("approved", _("Approved")),
        ("adjusted", _("Approved with adjusted points")),
        ("rejected", _("Rejected")),
    ]
    state = forms.ChoiceField(label=_("Status"), required=False, choices=STATES)
    item = forms.ModelChoiceField(
        label=_("Item"), queryset=None, required=False, empty_label=_("All items")
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items

    def chosen(self) -> tuple[str, Item | None]:
        self.is_valid()
        return self.cleaned_data.get("state") or "", self.cleaned_data.get("item")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def item_terms(item: Item) -> str:
    """What a member needs to know to declare an item: its points, how often it counts, its
    cap and whether it needs evidence."""
    if item.category == ItemCategory.COMMENDATION:
        terms = [str(_("points by the level of the commendation"))]
    elif item.fixed_points:
        terms = [_("%(points)s points") % {"points": fmt.points(item.points_min)}]
    else:
        terms = [
            _("%(low)s–%(high)s points")
            % {"low": fmt.points(item.points_min), "high": fmt.points(item.points_max)}
        ]
    terms.append(str(item.get_frequency_display()))
    if item.annual_cap is not None:
        terms.append(_("at most %(cap)s points a year") % {"cap": fmt.points(item.annual_cap)})
    if item.evidence_required:
        terms.append(str(_("evidence required")))
    return " · ".join(terms)


class ItemChoiceField(forms.ModelChoiceField):
    """Items labelled with their points, frequency and cap; with the year when the months on
    offer fall under two years' schemes (January)."""

    with_year = False

    def label_from_instance(self, item: Item) -> str:
        label = f"{item.code} {item.name} · {item_terms(item)}"
        return f"{item.scheme.year} · {label}" if self.with_year else label


class DeclarationForm(BootstrapForm):
    """The months on offer are those a member may still declare (ledger.periods): the window
    runs and the month is neither confirmed nor locked."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    period = forms.ChoiceField(
        label=_("Month"),
        error_messages={"invalid_choice": _("%(value)s is not open for declaring now.")},
    )
    item = ItemChoiceField(queryset=None, label=_("Item"))
    commendation_level = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Level of the commendation"),
        help_text=_("Only for a commendation."),
    )
    points = forms.DecimalField(
        label=_("Points"),
        required=False,
        max_digits=6,
        decimal_places=1,
        help_text=_(
            "Not needed for a commendation (its level decides) nor for an item of fixed points."
        ),
    )
    description = forms.CharField(
        label=_("What you did"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Images (JPEG, PNG, GIF, WebP) or PDF."),
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, months: list[OpenMonth], items, levels, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.months = {m.period: m for m in months}
        self.fields["period"].choices = [
            (
                m.period,
                _("%(period)s (until %(closes)s)") % {"period": m.period, "closes": m.closes},
            )
            for m in months
        ]
        self.fields["item"].queryset = items.select_related("scheme")
        self.fields["item"].with_year = len({m.year for m in months}) > 1
        self.fields["commendation_level"].queryset = levels

    def guide(self) -> list[tuple[Item, str]]:
        """The items on offer with their terms, for the list beside the form."""
        return [(item, item_terms(item)) for item in self.fields["item"].queryset]

    def clean(self):
        data = super().clean()
        month, item = self.months.get(data.get("period")), data.get("item")
        if month is None or item is None:
            return data
        if item.scheme_id != month.scheme.pk:
            self.add_error(
                "item",
                _("This item is not in the scheme for %(period)s; choose one of its year.")
                % {"period": month.period},
            )
        elif item.category != ItemCategory.COMMENDATION and data.get("points") is None:
            if item.fixed_points:
                data["points"] = item.points_min
            else:
                self.add_error("points", _("State the points for this item."))
        return data

    def domain_fields(self) -> dict:
        data = self.cleaned_data
        year, month = parse_period(data["period"])
        return {
            "year": year,
            "month": month,
            "item": data["item"],
            "points": data["points"],
            "description": data["description"],
            "commendation_level": data["commendation_level"],
        }


class ReviewForm(BootstrapForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    points = forms.DecimalField(label=_("Points"), required=False, max_digits=6, decimal_places=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class BulkReviewForm(BootstrapForm):
    declarations = forms.ModelMultipleChoiceField(queryset=None, label=_("Declarations"))
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.APPROVE, Decision.APPROVE.label),
            (Decision.REJECT, Decision.REJECT.label),
        ],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declarations"].queryset = queryset


class CommitteeRecordForm(BootstrapForm):
    member = forms.ModelChoiceField(queryset=None, label=_("Member"))
    period = forms.ChoiceField(label=_("Month"))
    item = forms.ModelChoiceField(queryset=None, label=_("Item"))
    points = forms.DecimalField(label=_("Points"), max_digits=6, decimal_places=1, min_value=0)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=300,
        help_text=_("Where the evidence is kept, e.g. the minutes of a meeting."),
    )

    def __init__(self, *args, members, items, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["period"].choices = period_choices(today)
        self.fields["item"].queryset = items

    def domain_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["year"], data["month"] = parse_period(data.pop("period"))
        return data


class VetoProposalForm(CommitteeRecordForm):
    points = None
    evidence = forms.CharField(label=_("Evidence"), max_length=300)
    reason = forms.CharField(label=_("Facts and grounds"), widget=forms.Textarea(attrs={"rows": 3}))


class ParentDecisionForm(BootstrapForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Approve")), ("no", _("Return"))],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class FilingWithdrawForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason for withdrawing the filing"), max_length=2000)


class DateInput(forms.DateInput):
    """A date picker. Its value is always ISO (2026-12-02), the only form a type=date input
    takes, whatever the language's date format (zh-Hans shows 2026/12/02)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A date and time picker, with the ISO value a type=datetime-local input takes."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MemberChoiceField(forms.ModelMultipleChoiceField):
    """Members as ticks; the template lays them out in columns with a select-all."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class ActivityForm(BootstrapForm):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Held by"), empty_label=None)
    kind = forms.ModelChoiceField(queryset=None, label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    audience = forms.ChoiceField(label=_("Who is expected"), choices=Audience.choices)
    group = forms.ModelChoiceField(
        queryset=None, label=_("Party group (if one group is expected)"), required=False
    )
    members = MemberChoiceField(
        queryset=None, label=_("Members (if a chosen list is expected)"), required=False
    )
    leader = forms.ModelChoiceField(
        queryset=None,
        label=_("Led by (gives the points for leading)"),
        required=False,
        help_text=_("For example who gives the Party lecture."),
    )
    confirms_quarter = forms.TypedChoiceField(
        label=_("Quarter it confirms (general meeting)"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—"), *[(n, f"Q{n}") for n in range(1, 5)]],
    )

    def __init__(self, *args, organisers, kinds, groups, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisers
        self.fields["kind"].queryset = kinds
        self.fields["group"].queryset = groups
        self.fields["members"].queryset = members
        self.fields["leader"].queryset = members
        self.fields["members"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("An activity ends after it begins."))
        return data

    def plan_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["member_ids"] = tuple(m.pk for m in data.pop("members"))
        data.pop("organisation")
        return data


class ActivityEditForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea({"rows": 4}), max_length=5000
    )


class MinutesForm(BootstrapForm):
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea({"rows": 4}), max_length=5000
    )


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))


class TickForm(forms.Form):
    members = forms.ModelMultipleChoiceField(queryset=None)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members


class LeaveDecisionForm(BootstrapForm):
    grant = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "yes",
        choices=[("yes", pgettext_lazy("leave", "Grant")), ("no", _("Refuse"))],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class CorrectionForm(BootstrapForm):
    member = forms.ModelChoiceField(queryset=None, label=_("Member"))
    outcome = forms.ChoiceField(label=_("Attendance"), choices=Outcome.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class DigitsForm(BootstrapForm):
    digits = forms.RegexField(
        label=_("Check-in code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Type the six digits shown on the screen.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PointsDecisionForm(BootstrapForm):
    proposals = forms.ModelMultipleChoiceField(queryset=None, label=_("Points"))
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
    )
    reason = forms.CharField(label=_("Reason (needed to reject)"), required=False, max_length=500)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = queryset


class ConfirmForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=None, label=_("General meeting"))

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class ObjectionForm(BootstrapForm):
    text = forms.CharField(
        label=_("What you object to and why"), widget=forms.Textarea(attrs={"rows": 3})
    )


class EntryChoiceField(forms.ModelChoiceField):
    """A ledger entry named as a reader finds it: item, month, points and its reason."""

    def label_from_instance(self, entry):
        reason = entry.reason if len(entry.reason) <= 30 else entry.reason[:29] + "…"
        return _("%(code)s %(item)s · %(year)d-%(month)02d · %(points)s points · %(reason)s") % {
            "code": entry.item.code,
            "item": entry.item.name,
            "year": entry.year,
            "month": entry.month,
            "points": f"{entry.points:+}",
            "reason": reason,
        }


class AnswerForm(BootstrapForm):
    """Accepting needs a correction: the entry to reverse, or an item, points and month."""

    accept = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Accept and correct")), ("no", _("Reject"))],
    )
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))
    reverse_entry = EntryChoiceField(queryset=None, required=False, label=_("Entry to reverse"))
    item = forms.ModelChoiceField(queryset=None, required=False, label=_("Or add: item"))
    points = forms.DecimalField(
        label=_("Points"), required=False, max_digits=6, decimal_places=1, min_value=0
    )
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, entries, items, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reverse_entry"].queryset = entries
        self.fields["item"].queryset = items
        self.fields["month"].choices = [("", "—"), *[(m, m) for m in months]]


class GradeForm(BootstrapForm):
    grade_code = forms.ChoiceField(label=_("Final grade"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade_code"].choices = [(level.code, level.name) for level in levels]


class AdmonitionForm(BootstrapForm):
    talked_on = forms.DateField(label=_("Talk held on"), widget=DateInput)
    deadline = forms.DateField(label=_("Improve by"), widget=DateInput)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(BootstrapForm):
    followed_up_on = forms.DateField(label=_("Followed up on"), widget=DateInput)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class HandlingForm(BootstrapForm):
    measure = forms.ChoiceField(label=_("Measure"), choices=HandlingMeasure.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}))
