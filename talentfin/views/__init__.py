"""Blueprints, one per module; views stay thin (form, service, flash, redirect)."""

from flask import Flask

from talentfin.views import account
from talentfin.views import admin
from talentfin.views import application_steps  # noqa: F401 (the form's steps, on applications)
from talentfin.views import applications
from talentfin.views import audit
from talentfin.views import auth
from talentfin.views import banks
from talentfin.views import diagrams
from talentfin.views import firms
from talentfin.views import main
from talentfin.views import notifications
from talentfin.views import policy
from talentfin.views import pool
from talentfin.views import profile
from talentfin.views import programme
from talentfin.views import queue
from talentfin.views import subsidies
from talentfin.views import verify
from talentfin.views import webhooks

# The core's pages and the pool's; a product's own are its line in ``talentfin.programme``.
BLUEPRINTS = (main.bp, auth.bp, account.bp, profile.bp, applications.bp, queue.bp, admin.bp,
              webhooks.bp,
              verify.bp, notifications.bp, programme.bp, pool.bp, banks.bp, policy.bp, audit.bp,
              subsidies.bp, diagrams.bp, firms.bp)


def register_all(app: Flask, product_blueprints=()) -> None:
    """Register the core's blueprints and the products' on the app."""
    for blueprint in (*BLUEPRINTS, *product_blueprints):
        app.register_blueprint(blueprint)
