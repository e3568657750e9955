from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from jifen.api.endpoints import committee, declarations, me, review, roster, schemes, tokens

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

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/me/", me.MeView.as_view(), name="me"),
    path("v1/me/entries/", me.MyEntriesView.as_view(), name="me-entries"),
    path("v1/", include(router.urls)),
]
