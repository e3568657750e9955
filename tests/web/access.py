from tests.access import Case

CASES = [
    Case("home", expect={}),
    # The login form is for visitors; signed-in users are sent on.
    Case("login", expect={"anonymous": 200}, default=302),
    Case("logout", expect={}, default=405),  # POST only
    # The public pages' language switch: anyone, it only sets the reader's cookie.
    Case("language", expect={}, default=302, kwargs=lambda world: {"code": "en"}),
    Case("favicon", expect={}, default=301),
    # For load balancers and supervisors: they say nothing about anyone's data.
    Case("healthz", expect={}),
    Case("readyz", expect={}),
    Case("password_change", expect={"anonymous": 302}),
    # How long the session has left: zero for a visitor, never a redirect.
    Case("session_status", expect={}),
]
