from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("jifen.api.urls")),
    path("", include("jifen.web.urls")),
    path("exchange/", include("jifen.exchange.urls")),
    path("portal/", include("jifen.portal.urls")),
    path("orgadmin/", include("jifen.orgadmin.urls")),
    path("", include("jifen.insight.urls")),
]
