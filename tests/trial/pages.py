"""The trial's request step: the lab, the amount and what the trial is for."""

from flask import redirect
from flask import request
from flask import url_for

from talentfin.services import applications as service


def request_step(application, context):
    """Save the request from the posted form (no page of its own: the tests post to it)."""
    if request.method == "POST":
        service.save_request(application, {
            "partner_org_id": int(request.form["partner_org_id"]),
            "requested_amount_fen": int(request.form["requested_amount_fen"]),
            "purpose": request.form["purpose"]})
        return redirect(url_for("applications.edit", application_id=application.id,
                                step="documents"))
    return "trial request step"
