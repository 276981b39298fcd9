"""The webhook pages: the administrator's subscriptions; their deliveries with every
attempt and "send again", for the administrator and for the subscribing organisation's
supervising staff (its approvers, its committees), who list their organisation's
webhooks on a page of their own."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from talentfin import policy
from talentfin.extensions import db
from talentfin.forms.admin import WebhookForm
from talentfin.i18n import _
from talentfin.models import WebhookDelivery
from talentfin.models import WebhookSubscription
from talentfin.policy import ACCOUNTS
from talentfin.policy import ORG_WEBHOOKS
from talentfin.services import webhook_delivery
from talentfin.services import webhooks
from talentfin.services.webhook_attempts import error_text
from talentfin.services.webhook_attempts import next_attempts
from talentfin.views.access import permitted
from talentfin.views.access import require_or_404
from talentfin.views.access import sensitive
from talentfin.views.admin import offer_organisations
from talentfin.workflows.labels import trigger_label
from talentfin.workflows.registry import product_for

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
admin_required = permitted("manage", ACCOUNTS)
SHOWN_DELIVERIES = 50


@bp.route("/", methods=["GET", "POST"])
@admin_required
@sensitive
def index():
    """The subscriptions; subscribe a receiver (its signing secret is shown this once)."""
    form = WebhookForm()
    orgs = offer_organisations(form.org_code)
    status = 200
    if form.validate_on_submit():
        org = next(o for o in orgs if o.code == form.org_code.data)
        try:
            subscription, secret = webhooks.subscribe(
                org, form.url.data, form.events.data, current_user._get_current_object())
        except webhooks.SubscriptionRefused as exc:
            flash(str(exc), "danger")
            status = 422
        else:
            return render_template("webhooks/secret.html", subscription=subscription,
                                   secret=secret)
    elif form.is_submitted():
        status = 422
    subscriptions = db.session.scalars(select(WebhookSubscription).order_by(
        WebhookSubscription.active.desc(), WebhookSubscription.created_at.desc())).all()
    return render_template("webhooks/index.html", form=form,
                           subscriptions=subscriptions), status


def _subscription_or_404(subscription_id: int) -> WebhookSubscription:
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        abort(404)
    return subscription


@bp.get("/organisation")
@permitted("read", ORG_WEBHOOKS)
def organisation():
    """The user's organisation's webhooks (read only: the administrator subscribes)."""
    subscriptions = db.session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.org_id == current_user.org_id).order_by(
        WebhookSubscription.active.desc(), WebhookSubscription.created_at.desc())).all()
    return render_template("webhooks/organisation.html", subscriptions=subscriptions)


@bp.get("/<int:subscription_id>")
@login_required
def deliveries(subscription_id: int):
    """A subscription's latest deliveries, each attempt with what the receiver answered."""
    subscription = _subscription_or_404(subscription_id)
    require_or_404("read", subscription)
    shown = db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription.id)
        .order_by(WebhookDelivery.id.desc()).limit(SHOWN_DELIVERIES)).all()
    return render_template("webhooks/deliveries.html", subscription=subscription,
                           deliveries=shown, detail=_detail, error_text=error_text,
                           next_attempts=next_attempts(shown),
                           manages=policy.allowed(current_user, "manage", ACCOUNTS))


def _detail(delivery: WebhookDelivery) -> str:
    """What a delivery is about, in the reader's language: the file and its step or
    dossier, or the repayment batch and how it ended."""
    data = delivery.payload.get("data") or {}
    product, reference = data.get("product"), data.get("reference") or ""
    if data.get("trigger"):
        return f"{reference} · {trigger_label(product, data['trigger'])}"
    if data.get("stage"):
        kind = product_for(product).dossiers.get(data["stage"]) if product else None
        return f"{reference} · {kind.title if kind else data['stage']}"
    if data.get("batch"):
        outcome = _("applied") if data.get("outcome") == "applied" else _("refused whole")
        return f"{data['batch']} · {outcome}"
    return reference


@bp.post("/<int:subscription_id>/end")
@admin_required
@sensitive
def end(subscription_id: int):
    """Stop sending to a subscription."""
    try:
        webhooks.end(_subscription_or_404(subscription_id),
                     current_user._get_current_object())
    except webhooks.SubscriptionRefused as exc:  # ended already (a stale tab, a 2nd click)
        abort(409, str(exc))
    flash(_("The webhook is ended: nothing more is sent to it."), "success")
    return redirect(url_for("webhooks.index"))


@bp.post("/deliveries/<int:delivery_id>/again")
@login_required
def send_again(delivery_id: int):
    """A new attempt of a delivery now (the worker sends it)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        abort(404)
    require_or_404("resend", delivery.subscription)
    if not delivery.subscription.active:
        abort(409, _("This webhook is ended; nothing is sent to it."))
    webhook_delivery.send_again(delivery)
    flash(_("It is sent again in a moment."), "success")
    return redirect(url_for("webhooks.deliveries", subscription_id=delivery.subscription_id))
