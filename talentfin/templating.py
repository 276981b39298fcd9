"""Jinja filters and globals: money, rates, dates in the user's time zone, state labels."""

from urllib.parse import urlsplit

from flask import Flask
from flask import request
from flask import url_for
from flask_babel import format_date
from flask_babel import format_datetime
from flask_babel import format_decimal
from flask_babel import get_locale

from talentfin.i18n import sentence_gap
from talentfin.institutions import role_label
from talentfin.labels import chain_break_label
from talentfin.labels import chain_label
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.navigation import links
from talentfin.pool.figures import ratio_bp
from talentfin.pool.labels import calculation_text
from talentfin.pool.labels import claim_status_label
from talentfin.pool.labels import standing_label
from talentfin.pool.labels import subsidy_status_label
from talentfin.services.dossier_files import dossier_title
from talentfin.services.parameters import policy_keys
from talentfin.services.uploads import readable_size
from talentfin.text import mask_id_number
from talentfin.workdays import working_days_between
from talentfin.workflows.labels import document_label
from talentfin.workflows.labels import field_label
from talentfin.workflows.labels import product_label
from talentfin.workflows.labels import state_label
from talentfin.workflows.labels import trigger_label


def register(app: Flask) -> None:
    """Install the filters and context processors on the app."""
    filters = app.jinja_env.filters
    filters["yuan"] = format_fen
    filters["masked_id"] = mask_id_number
    filters["rate"] = format_rate_bp
    filters["dt"] = lambda value: format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""
    filters["about"] = about_number
    filters["d"] = lambda value: format_date(value, "yyyy-MM-dd") if value else ""
    # A product's own names: ``status|state(product)``, ``trigger|trigger(product)`` ...
    filters["state"] = lambda state, product: state_label(product, state)
    filters["trigger"] = lambda trigger, product: trigger_label(product, trigger)
    filters["document"] = lambda kind, product: document_label(product, kind)
    filters["fieldlabel"] = lambda name, product: field_label(product, name)
    filters["product"] = product_label
    filters["role"] = role_label
    filters["dossier"] = dossier_title
    filters["claimstatus"] = claim_status_label
    filters["standing"] = standing_label
    filters["subsidystatus"] = subsidy_status_label
    filters["calculation"] = calculation_text
    filters["parameter"] = parameter_label
    filters["chain"] = chain_label
    filters["chainbreak"] = chain_break_label
    app.jinja_env.globals["nav_links"] = links
    app.jinja_env.globals["return_path"] = return_path
    app.jinja_env.globals["sentence_gap"] = sentence_gap
    # One file-size formatter for pages, dossiers and upload messages ("446 B", "1.2 MB").
    filters["filesize"] = readable_size
    # The NPL ratio as every page shows it (whole basis points, half up): for dossiers
    # that carry the balances (a suspension notice) rather than a ratio of their own.
    app.jinja_env.globals["npl_ratio_bp"] = ratio_bp

    @app.context_processor
    def _globals():
        def url_with(**changes):
            args = request.args.to_dict()
            args.update({k: v for k, v in changes.items()})
            return url_for(request.endpoint, **(request.view_args or {}), **args)

        return {"current_locale": str(get_locale() or "zh"), "url_with": url_with,
                "working_days_between": working_days_between}


def parameter_label(key: str | None) -> str:
    """A policy key's name with the unit its value is given in."""
    found = policy_keys().get(key or "")
    return str(found.label) if found else (key or "")


def return_path() -> str:
    """Where the language switch brings the reader back: this page if it can be fetched
    again (a GET), else the page the form was sent from, else the start page."""
    if request.method == "GET":
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("main.index")


def about_number(value: int) -> str:
    """An estimated count as the reader's locale writes it, to two significant digits
    (73,412 -> "73,000"): the digits after those are the planner's guess."""
    digits = len(str(abs(int(value))))
    rounded = round(int(value), -max(0, digits - 2))
    return format_decimal(rounded)
