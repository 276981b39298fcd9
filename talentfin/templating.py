"""Jinja filters and globals: money, rates, dates in the user's time zone, state labels."""

from flask import Flask
from flask import current_app
from flask import has_request_context
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_date
from flask_babel import format_datetime
from flask_babel import get_locale
from markupsafe import Markup

from talentfin.fragments import fragment_cache
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.workdays import working_days_between


def register(app: Flask) -> None:
    """Install the filters and context processors on the app."""
    from talentfin.labels import attachment_label
    from talentfin.labels import calculation_text
    from talentfin.labels import chain_break_label
    from talentfin.labels import chain_label
    from talentfin.labels import change_label
    from talentfin.labels import change_value
    from talentfin.labels import claim_status_label
    from talentfin.labels import classification_label
    from talentfin.labels import dossier_label
    from talentfin.labels import field_label
    from talentfin.labels import parameter_label
    from talentfin.labels import product_label
    from talentfin.labels import role_label
    from talentfin.labels import standing_label
    from talentfin.labels import state_label
    from talentfin.labels import subsidy_status_label
    from talentfin.labels import trigger_label

    app.jinja_env.filters["yuan"] = format_fen
    app.jinja_env.filters["rate"] = format_rate_bp
    app.jinja_env.filters["dt"] = (
        lambda value: format_datetime(value, "yyyy-MM-dd HH:mm") if value else "")
    app.jinja_env.filters["d"] = lambda value: format_date(value, "yyyy-MM-dd") if value else ""
    app.jinja_env.filters["state"] = state_label
    app.jinja_env.filters["trigger"] = trigger_label
    app.jinja_env.filters["role"] = role_label
    app.jinja_env.filters["attachment"] = attachment_label
    app.jinja_env.filters["dossier"] = dossier_label
    app.jinja_env.filters["fieldlabel"] = field_label
    app.jinja_env.filters["changelabel"] = change_label
    app.jinja_env.filters["classification"] = classification_label
    app.jinja_env.filters["claimstatus"] = claim_status_label
    app.jinja_env.filters["standing"] = standing_label
    app.jinja_env.filters["subsidystatus"] = subsidy_status_label
    app.jinja_env.filters["calculation"] = calculation_text
    app.jinja_env.filters["parameter"] = parameter_label
    app.jinja_env.filters["product"] = product_label
    app.jinja_env.filters["chain"] = chain_label
    app.jinja_env.filters["chainbreak"] = chain_break_label
    app.jinja_env.globals["change_value"] = change_value
    app.jinja_env.globals["cached_include"] = cached_include

    @app.context_processor
    def _globals():
        def url_with(**changes):
            args = request.args.to_dict()
            args.update({k: v for k, v in changes.items()})
            return url_for(request.endpoint, **(request.view_args or {}), **args)

        return {"current_locale": str(get_locale() or "zh"), "url_with": url_with,
                "working_days_between": working_days_between}



def cached_include(template: str, **values) -> Markup:
    """A partial rendered once per (template, locale, script root, values) and process.

    For the parts of every page that depend on nothing else (the navigation links of a
    role, the asset tags): the partial must not read ``current_user``, ``request`` or
    ``csrf_token()``, only the values passed and the locale.
    """
    if not has_request_context():
        return Markup(render_template(template, **values))  # noqa: S704 (autoescaped)
    key = ("include", template, str(get_locale() or ""), request.script_root,
           tuple(sorted(values.items())))
    return fragment_cache(current_app).get_or_render(
        key, lambda: render_template(template, **values))
