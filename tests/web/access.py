from tests.access import Case

CASES = [
    Case("home", expect={}),
    # The login form is for visitors; signed-in users are sent on.
    Case("login", expect={"anonymous": 200}, default=302),
    Case("logout", expect={}, default=405),  # POST only
    # For load balancers and supervisors: they say nothing about anyone's data.
    Case("healthz", expect={}),
    Case("readyz", expect={}),
]
