from django.contrib import admin

from jifen.admin_readonly import ReadOnlyAdmin
from jifen.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "organisation", "object_type", "object_id"]
    list_filter = ["action"]
