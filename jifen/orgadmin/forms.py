"""Input checks for the admin pages; the rules themselves live in the services."""

from fractions import Fraction

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from jifen.audit import selectors as audit_selectors
from jifen.audit.models import Channel
from jifen.orgs.enums import MemberCategory, MemberState, OrgKind, RoleKind
from jifen.orgs.models import Member
from jifen.orgs.services import MEMBER_FIELDS
from jifen.schemes.models import ActivityKind, CommendationLevel, GradeLevel, Item, Scheme
from jifen.schemes.services import ACTIVITY_KIND_FIELDS, ITEM_FIELDS, SCHEME_FIELDS


class DateInput(forms.DateInput):
    """A date picker with the ISO value a type=date input takes (zh-Hans formats 2026/12/02)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _css_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return ""
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapForm(forms.Form):
    """Gives every widget Bootstrap's class, so templates render fields in one loop.

    `model_fields` (model, names) adds the model's own form fields, validators included."""

    model_fields: tuple = ()
    widgets: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.model_fields:
            model, names = self.model_fields
            self.fields.update(fields_for_model(model, fields=names, widgets=self.widgets))
            # Declared fields come first by default; keep the model's own order instead.
            self.order_fields(self.field_order)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", _css_class(field.widget))


class OrganisationCreateForm(BootstrapForm):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=OrgKind.choices)
    parent = forms.ModelChoiceField(label=_("parent organisation"), queryset=None)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class OrganisationRenameForm(BootstrapForm):
    name = forms.CharField(label=_("name"), max_length=100)


_MEMBER_WIDGETS = {"birth_date": DateInput, "join_date": DateInput}


class MemberForm(BootstrapForm):
    """The roster fields an admin may change; a branch change goes through a transfer."""

    model_fields = (Member, MEMBER_FIELDS)
    widgets = _MEMBER_WIDGETS


class MemberCreateForm(BootstrapForm):
    model_fields = (Member, [name for name in MEMBER_FIELDS if name != "state"])
    widgets = _MEMBER_WIDGETS
    branch = forms.ModelChoiceField(label=_("branch"), queryset=None)
    start = forms.DateField(
        label=_("in the branch since"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty to use the date the member joined the party."),
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class TransferForm(BootstrapForm):
    to_branch = forms.ModelChoiceField(label=_("new branch"), queryset=None)
    on = forms.DateField(label=_("transfer date"), widget=DateInput)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = branches


class LeaveForm(BootstrapForm):
    state = forms.ChoiceField(
        label=_("reason"), choices=[c for c in MemberState.choices if c[0] != MemberState.ACTIVE]
    )
    on = forms.DateField(label=_("last day in the branch"), widget=DateInput)


class LinkUserForm(BootstrapForm):
    user = forms.ModelChoiceField(label=_("existing user account"), queryset=None)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class AccountCreateForm(BootstrapForm):
    username = forms.CharField(label=_("user name"), max_length=150)
    password = forms.CharField(
        label=_("initial password"), widget=forms.PasswordInput(render_value=False)
    )


class AccountsBranchForm(BootstrapForm):
    """Which branch's members get accounts at once; none chosen: every administered branch."""

    branch = forms.ModelChoiceField(
        label=_("branch"), queryset=None, required=False, empty_label=_("all my branches")
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class RoleGrantForm(BootstrapForm):
    user = forms.ModelChoiceField(label=_("user account"), queryset=None)
    kind = forms.ChoiceField(label=_("role"), choices=RoleKind.choices)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class SchemeCreateForm(BootstrapForm):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=None)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("name"), max_length=100)
    grade_scale = forms.ChoiceField(
        label=_("grade scale"),
        choices=[
            ("seed", _("Five grades of the points policy (好, 较好, 一般, 差, 不合格)")),
            ("national", _("National four-level scale (优秀, 合格, 基本合格, 不合格)")),
        ],
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


def _categories_field(label, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=MemberCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class SchemeForm(BootstrapForm):
    model_fields = (Scheme, [name for name in SCHEME_FIELDS if name != "exempt_categories"])
    field_order = SCHEME_FIELDS
    exempt_categories = _categories_field(
        _("exempt member categories"), _("Members of these categories get no score and no rank.")
    )


class ItemForm(BootstrapForm):
    model_fields = (Item, [name for name in ITEM_FIELDS if name != "member_categories"])
    field_order = ITEM_FIELDS
    member_categories = _categories_field(
        _("member categories it applies to"), _("None ticked means every category.")
    )


class RosterFilterForm(BootstrapForm):
    search = forms.CharField(label=_("search"), required=False)
    branch = forms.ModelChoiceField(label=_("branch"), queryset=None, required=False)
    category = forms.ChoiceField(
        label=_("member category"),
        choices=[("", _("all")), *MemberCategory.choices],
        required=False,
    )
    state = forms.ChoiceField(
        label=_("state"), choices=[("", _("all")), *MemberState.choices], required=False
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class CommendationLevelForm(BootstrapForm):
    model_fields = (CommendationLevel, ["name", "points"])


class ShareField(forms.CharField):
    """A share of the ranking, kept exact: 1/3 is a third (0.333 would not be), 0.1 or 10%
    a tenth."""

    def to_python(self, value):
        # Spaces and the full-width signs a Chinese input method types are read as written.
        text = "".join(super().to_python(value).split()).replace("／", "/").replace("％", "%")
        if not text:
            return None
        try:
            if text.endswith("%"):
                return Fraction(text[:-1]) / 100
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValidationError(
                _("Write the share as a fraction such as 1/3 or a decimal such as 0.1."),
                code="invalid",
            ) from None


GRADE_LEVEL_FIELDS = ["name", "min_score", "rank_rule", "rank_share", "rank_boundary", "rank_mode"]


class GradeLevelForm(BootstrapForm):
    model_fields = (GradeLevel, [name for name in GRADE_LEVEL_FIELDS if name != "rank_share"])
    field_order = GRADE_LEVEL_FIELDS
    rank_share = ShareField(
        label=_("share of the ranking"),
        required=False,
        help_text=_("A fraction such as 1/3, or a decimal such as 0.1."),
    )


class ActivityKindForm(BootstrapForm):
    """A kind of activity; its items are chosen among the scheme's own."""

    model_fields = (ActivityKind, list(ACTIVITY_KIND_FIELDS))
    field_order = ACTIVITY_KIND_FIELDS

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("attendance_item", "absence_item", "lead_item"):
            self.fields[name].queryset = scheme.items.all()


class _EvidenceFilterForm(BootstrapForm):
    """Filters of the audit log and the access records; `wanted()` gives them to the selector."""

    filter_class = None

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def wanted(self):
        if not self.is_valid():
            return self.filter_class()
        data = dict(self.cleaned_data)
        data["organisation"] = data["organisation"].pk if data["organisation"] else None
        return self.filter_class(**data)


def _period_fields():
    return (
        forms.DateField(label=_("from"), required=False, widget=DateInput),
        forms.DateField(label=_("until"), required=False, widget=DateInput),
    )


class AuditFilterForm(_EvidenceFilterForm):
    filter_class = audit_selectors.EventFilter
    who = forms.CharField(label=_("user name"), required=False)
    action = forms.CharField(
        label=_("action"),
        required=False,
        help_text=_("The beginning of the action, e.g. orgs.member or ledger."),
    )
    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        queryset=None,
        required=False,
        help_text=_("With the organisations under it."),
    )
    since, until = _period_fields()


class AccessFilterForm(_EvidenceFilterForm):
    filter_class = audit_selectors.AccessFilter
    who = forms.CharField(label=_("seen by (user name)"), required=False)
    whose = forms.CharField(label=_("whose (member's name)"), required=False)
    channel = forms.ChoiceField(
        label=_("where"), choices=[("", _("all")), *Channel.choices], required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        queryset=None,
        required=False,
        help_text=_("With the organisations under it."),
    )
    since, until = _period_fields()
