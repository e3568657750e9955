"""The REST API (/api/v1/) for the mobile apps and other systems.

Endpoints only translate HTTP to the domain functions (services.py of each app) and read
through the same selectors and jifen.orgs.rules as the pages; they decide nothing themselves.
"""
