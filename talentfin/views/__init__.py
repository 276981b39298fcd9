"""Blueprints, one per module; views stay thin (form, service, flash, redirect)."""

from flask import Flask

from talentfin.views import account
from talentfin.views import admin
from talentfin.views import application_steps  # noqa: F401 (the form's steps, on applications)
from talentfin.views import applications
from talentfin.views import audit
from talentfin.views import auth
from talentfin.views import banks
from talentfin.views import board
from talentfin.views import bond
from talentfin.views import diagrams
from talentfin.views import equity
from talentfin.views import firms
from talentfin.views import insurance
from talentfin.views import loan
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

# The pages of every module, the products' and the pool's included; the navigation bar
# lists their links in this order.
BLUEPRINTS = (main.bp, auth.bp, account.bp, profile.bp, applications.bp, queue.bp, admin.bp,
              webhooks.bp,
              verify.bp, notifications.bp, programme.bp, pool.bp, banks.bp, policy.bp, audit.bp,
              subsidies.bp, loan.bp, insurance.bp, equity.bp, bond.bp, board.bp, diagrams.bp,
              firms.bp)


def register_all(app: Flask) -> None:
    """Register every blueprint on the app."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
