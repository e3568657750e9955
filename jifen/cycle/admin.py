from django.contrib import admin

from jifen.admin_readonly import ReadOnlyAdmin
from jifen.cycle import models

for model in (
    models.Meeting,
    models.Quarter,
    models.RegisterRow,
    models.Notice,
    models.NoticeRow,
    models.Objection,
    models.YearResult,
    models.MemberGrade,
    models.Admonition,
    models.UnqualifiedHandling,
):
    admin.site.register(model, ReadOnlyAdmin)
