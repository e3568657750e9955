from django.contrib import admin

from jifen.admin_readonly import ReadOnlyAdmin
from jifen.orgs.models import Member, Organisation, Placement, Role


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "parent", "is_active"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "branch", "category", "party_status", "id_number_masked", "state"]
    list_filter = ["category", "party_status", "state"]
    search_fields = ["name"]
    exclude = ["id_number", "id_number_index", "phone", "birth_date"]
    readonly_fields = ["id_number_masked", "phone_masked"]


admin.site.register(Placement, ReadOnlyAdmin)
admin.site.register(Role, ReadOnlyAdmin)
