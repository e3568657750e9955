from django.contrib import admin

from jifen.admin_readonly import ReadOnlyAdmin
from jifen.audit.models import AccessRecord, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor_name", "organisation", "object_type", "client_address"]
    list_filter = ["action"]


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "viewer_name", "member_name", "fields", "channel", "place"]
    list_filter = ["channel"]
