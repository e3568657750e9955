from django.contrib import admin

from jifen.admin_readonly import ReadOnlyAdmin
from jifen.notifications.models import Notification

admin.site.register(Notification, ReadOnlyAdmin)
