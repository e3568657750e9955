from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Domain data changes only through the services (permission, audit, ledger); the Django
    admin is a window for the operators, never a second write path."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
