from django.contrib import admin

from jifen.admin_readonly import ReadOnlyAdmin
from jifen.declarations.models import Declaration, VetoProposal

admin.site.register(Declaration, ReadOnlyAdmin)
admin.site.register(VetoProposal, ReadOnlyAdmin)
