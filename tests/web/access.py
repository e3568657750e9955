from tests.access import Case

CASES = [
    Case("home", expect={}),
    # The login form is for visitors; signed-in users are sent on.
    Case("login", expect={"anonymous": 200}, default=302),
    Case("logout", expect={}, default=405),  # POST only
    Case("password_change", expect={"anonymous": 302}),
    # How long the session has left: zero for a visitor, never a redirect.
    Case("session_status", expect={}),
]
