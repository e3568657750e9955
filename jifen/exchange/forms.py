from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jifen.errors import DomainError
from jifen.exchange import sheets
from jifen.exchange.enums import Format, Layout
from jifen.schemes.enums import ItemCategory

QUARTERS = [(0, _("Whole year")), *((q, _("Quarter %(q)d") % {"q": q}) for q in range(1, 5))]
MONTHS = [(0, _("All months")), *((m, str(m)) for m in range(1, 13))]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx, .xls, .ods or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size is known from the request before anything reads the content.
        try:
            sheets.check_size(upload.size)
        except DomainError as error:
            raise ValidationError(error.message) from error
        return upload


class ConfirmForm(forms.Form):
    keep_valid = forms.BooleanField(
        label=_("Import only the rows without errors and leave the others out"), required=False
    )


class ExportForm(forms.Form):
    """Every parameter an export may take; each export page shows the ones its source uses."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Period"), choices=QUARTERS, coerce=int, initial=0)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, coerce=int, initial=0)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All categories")), *ItemCategory.choices],
        required=False,
    )
    layout = forms.ChoiceField(label=_("Layout"), choices=Layout.choices, initial=Layout.PER_MEMBER)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)

    FIELDS = {
        "roster": ("format",),
        "ledger": ("year", "month", "category", "format"),
        "register": ("year", "quarter", "layout", "format"),
        "notice": ("year", "quarter"),
        "year_report": ("year", "format"),
        "record_book": ("year", "format"),
        "audit": ("format",),
        "access_records": ("format",),
    }

    def __init__(self, *args, source_name: str, formats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["format"].choices = [(f, Format(f).label) for f in formats]
        if Format.CSV in formats:
            self.fields["format"].help_text = _(
                "Excel opening a CSV file turns 18-digit ID numbers into numbers and loses their "
                "last digits: to edit the file in Excel, choose Excel (.xlsx)."
            )
        for name in list(self.fields):
            if name not in self.FIELDS[source_name]:
                del self.fields[name]
        for bound in self.fields.values():
            select = isinstance(bound.widget, forms.Select)
            bound.widget.attrs["class"] = "form-select" if select else "form-control"

    def params(self) -> dict:
        """JSON-safe parameters for the source (and for a background job)."""
        values = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", 0)}
        values.setdefault("format", Format.PDF)
        return values
