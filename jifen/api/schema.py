"""OpenAPI details drf-spectacular cannot infer: the token scheme and the error responses that
every operation may give (documented so that clients, and the schema fuzzing, can check them)."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from jifen.api.errors import ErrorSerializer

ERROR_STATUSES = ("400", "401", "403", "404", "409", "429")


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in ERROR_STATUSES:
            responses.setdefault(
                status, self._get_response_for_code(ErrorSerializer, status, direction=direction)
            )
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "jifen.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A key from POST /api/v1/tokens/, sent as "
            "`Authorization: Bearer <key>`.",
        }


class LoginScheme(OpenApiAuthenticationExtension):
    target_class = "jifen.api.authentication.LoginAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic", "description": "Only to create a token."}
