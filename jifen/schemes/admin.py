from django.contrib import admin

from jifen.admin_readonly import ReadOnlyAdmin
from jifen.schemes.models import CommendationLevel, GradeLevel, Item, Scheme


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "year", "version"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "category", "points_min", "points_max", "frequency", "scheme"]
    list_filter = ["category"]


admin.site.register(CommendationLevel, ReadOnlyAdmin)
admin.site.register(GradeLevel, ReadOnlyAdmin)
