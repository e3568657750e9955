from django.conf import settings
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import authentication, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jifen.api import services
from jifen.api.authentication import ApiTokenAuthentication, LoginAuthentication
from jifen.api.models import ApiToken


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "created_at", "expires_at", "revoked_at", "last_used_at"]


class NewTokenSerializer(TokenSerializer):
    key = serializers.CharField(help_text=_("Shown only now: store it on the device."))

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=services.MAX_LIFETIME_DAYS,
        help_text=format_lazy(
            _("Lifetime in days; leave out for the default of {days} days."),
            days=lazy(lambda: settings.JIFEN_API_TOKEN_DAYS, int)(),
        ),
    )


@extend_schema(tags=["tokens"])
class TokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens. A token is created with the user's name and password (HTTP
    Basic) or from a signed-in browser session, and then sent as `Authorization: Bearer <key>`.
    Every token expires, and changing the user's password revokes all of them."""

    serializer_class = TokenSerializer
    authentication_classes = [
        ApiTokenAuthentication,
        authentication.SessionAuthentication,
        LoginAuthentication,
    ]

    def get_queryset(self):
        return ApiToken.objects.filter(user_id=self.request.user.pk)

    @extend_schema(request=TokenCreateSerializer, responses={201: NewTokenSerializer})
    def create(self, request):
        data = TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = services.token_create(actor=request.user, **data.validated_data)
        token.key = key
        return Response(NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = services.token_revoke(actor=request.user, token=self.get_object())
        return Response(TokenSerializer(token).data)
