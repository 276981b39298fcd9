"""Blueprints, one per module; views stay thin (form, service, flash, redirect)."""

from flask import Flask


def register_all(app: Flask) -> None:
    """Register every blueprint on the app."""
    from talentfin.views import account
    from talentfin.views import admin
    from talentfin.views import applications
    from talentfin.views import audit
    from talentfin.views import auth
    from talentfin.views import banks
    from talentfin.views import main
    from talentfin.views import notifications
    from talentfin.views import policy
    from talentfin.views import pool
    from talentfin.views import profile
    from talentfin.views import queue
    from talentfin.views import servicing
    from talentfin.views import verify

    for module in (main, auth, account, profile, applications, queue, admin, verify,
                   servicing, notifications, pool, policy, banks, audit):
        app.register_blueprint(module.bp)
