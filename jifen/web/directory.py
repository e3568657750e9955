"""Sign-in with the university's directory (统一身份认证) over LDAP, with django-auth-ldap.

On when JIFEN_LDAP_URI is set (settings.py puts DirectoryBackend between axes' backend and the
local accounts' one). A directory user signs in with the directory password; the account is the
one of the roster member that the entry's link attribute names (jifen.orgs.selectors
.member_for_directory), so roles and scoping stay jifen's. The lockout applies as to any sign-in:
axes' backend comes first, and a wrong directory password is a failed sign-in like any other.

A directory user who is not on the roster, or whose entry names no member, is refused with a
message saying so (`request.signin_refusal`); the sign-in page and the API show it instead of
"wrong password". Nothing from the directory is stored but the user name.
"""

import ldap
from django.conf import settings
from django.utils.translation import gettext as _
from django_auth_ldap.backend import LDAPBackend
from django_auth_ldap.config import LDAPSearch

from jifen.errors import DomainError
from jifen.orgs import selectors as roster
from jifen.orgs import services as orgs
from jifen.web.signin import refuse


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap's backend, configured from JIFEN_LDAP_* and linking to the roster."""

    @property
    def default_settings(self) -> dict:
        return {
            "SERVER_URI": settings.JIFEN_LDAP_URI,
            "BIND_DN": settings.JIFEN_LDAP_BIND_DN,
            "BIND_PASSWORD": settings.JIFEN_LDAP_BIND_PASSWORD,
            "START_TLS": settings.JIFEN_LDAP_START_TLS,
            "USER_SEARCH": LDAPSearch(
                settings.JIFEN_LDAP_USER_BASE, ldap.SCOPE_SUBTREE, settings.JIFEN_LDAP_USER_FILTER
            ),
            "USER_ATTRLIST": [settings.JIFEN_LDAP_LINK_ATTRIBUTE],
            # Names and mail stay in the roster; the directory only proves who signs in.
            "USER_ATTR_MAP": {},
            "ALWAYS_UPDATE_USER": False,
            "CONNECTION_OPTIONS": {
                ldap.OPT_NETWORK_TIMEOUT: settings.JIFEN_LDAP_TIMEOUT,
                ldap.OPT_TIMEOUT: settings.JIFEN_LDAP_TIMEOUT,
            },
        }

    def authenticate(self, request, username=None, password=None, **kwargs):
        # Django makes a new backend for every sign-in, so the request can be kept here for
        # get_or_build_user, which django-auth-ldap calls without it.
        self.request = request
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username, ldap_user):
        """Called once the directory accepted the password: the roster member's account."""
        values = (ldap_user.attrs or {}).get(settings.JIFEN_LDAP_LINK_ATTRIBUTE) or [""]
        member = roster.member_for_directory(values[0])
        if member is None:
            refuse(
                self.request,
                _(
                    "Your directory account is correct, but you are not on the roster of any"
                    " branch. Ask your branch secretary to add you (with your staff or student"
                    " number)."
                ),
            )
            raise ldap_user.AuthenticationFailed("not on the roster")
        try:
            return orgs.directory_account(member=member, username=username), False
        except DomainError as error:
            refuse(self.request, str(error.message))
            raise ldap_user.AuthenticationFailed(error.code) from error
