from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from jifen.api.endpoints import (
    activities,
    committee,
    cycle,
    declarations,
    me,
    public,
    review,
    roster,
    schemes,
    tokens,
)
from jifen.api.endpoints.common import NotFoundView

app_name = "api"

router = SimpleRouter()
router.register("tokens", tokens.TokenViewSet, basename="token")
router.register("declarations", declarations.DeclarationViewSet, basename="declaration")
router.register("review/declarations", review.ReviewViewSet, basename="review")
router.register(
    "review/commendations", review.CommendationReviewViewSet, basename="commendation-review"
)
router.register("entries", committee.EntryViewSet, basename="entry")
router.register("vetoes", committee.VetoViewSet, basename="veto")
router.register("organisations", roster.OrganisationViewSet, basename="organisation")
router.register("members", roster.MemberViewSet, basename="member")
router.register("schemes", schemes.SchemeViewSet, basename="scheme")
router.register("activities", activities.ActivityViewSet, basename="activity")
router.register("record-books", activities.RecordBookViewSet, basename="record-book")
router.register("leave-requests", activities.LeaveViewSet, basename="leave-request")
router.register("activity-points", activities.ActivityPointsViewSet, basename="activity-point")
router.register("quarters", cycle.QuarterViewSet, basename="quarter")
router.register("objections", cycle.ObjectionViewSet, basename="objection")
router.register("years", cycle.YearResultViewSet, basename="year")
router.register("notifications", cycle.NotificationViewSet, basename="notification")
router.register("public/notices", public.PublicNoticeViewSet, basename="public-notice")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "redoc/",
        # Redoc styles its page with styled-components, which writes <style> elements at run
        # time and stops with an error when they are refused (no nonce can reach its bundle),
        # and runs its search in a worker made from a blob of its own code. So this one page,
        # which shows only the public schema, allows inline styles and blob: workers; scripts
        # stay as strict as everywhere. Its "by Redocly" logo from a CDN stays refused.
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    path("v1/me/", me.MeView.as_view(), name="me"),
    path("v1/me/entries/", me.MyEntriesView.as_view(), name="me-entries"),
    path("v1/", include(router.urls)),
    re_path(r"", NotFoundView.as_view(), name="not-found"),
]
