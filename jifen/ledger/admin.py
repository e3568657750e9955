from django.contrib import admin

from jifen.admin_readonly import ReadOnlyAdmin
from jifen.ledger.models import Anchor, ChainHead, Entry, Period


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["member", "year", "month", "item", "points", "source", "recorded_at"]
    list_filter = ["year", "category", "source"]


for model in (Period, ChainHead, Anchor):
    admin.site.register(model, ReadOnlyAdmin)
