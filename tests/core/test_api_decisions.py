"""Decisions through the partner API: a client that may decide fires a transition for its
person as the page would, with the page's validation and permissions; the OpenAPI document
lists each trigger's body by the page's form; a field the form does not have, or a code it
does not offer, is refused."""


from flask_babel import refresh
from sqlalchemy import select

from talentfin.models import TransitionLog
from talentfin.services import api_clients
from tests import factories
from tests.web import TERMS
from tests.web import api_decide
from tests.web import api_token
from tests.web import login


def test_a_decision_through_the_api_is_the_pages_decision(client, auth, world, db):
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    token = api_token(client, row.client_id, secret)
    application = factories.loan_in(world, "partner_review")
    terms = {"amount": "800000", "rate": "3.45", "term_months": "24",
             "security": "pure_credit", "comment": "经营稳定，建议批准。"}
    # The page's validation, field by field, in the caller's language.
    refresh()
    bad = api_decide(client, token, world.officer1.email, application.id, "recommend",
                  {**terms, "amount": "lots"}, **{"Accept-Language": "en"})
    assert bad.status_code == 422, bad.get_json()
    assert "amount" in bad.get_json()["errors"]["body"]
    # An approver may not recommend; the officer may.
    assert api_decide(client, token, world.approver1.email, application.id, "recommend",
                   terms).status_code == 403
    done = api_decide(client, token, world.officer1.email, application.id, "recommend", terms)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["application"]["status"] == "bank_approval"
    log = db.session.scalars(select(TransitionLog).where(
        TransitionLog.trigger == "recommend")).one()
    assert log.actor_id == world.officer1.id and log.payload["via"] == f"api:{row.client_id}"
    login(auth, world.approver1)  # the page says who decided, and through which client
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"through the API, client {row.client_id}" in page
    # The same decision again: someone acted first.
    again = api_decide(client, token, world.officer1.email, application.id, "recommend", terms)
    assert again.status_code == 409 and again.get_json()["code"] == "changed_meanwhile"
    assert again.get_json()["type"].endswith("/409/changed_meanwhile")
    # A read-only client cannot decide.
    reader, reader_secret = api_clients.register(world.bank1, "只读", ["read"], world.admin)
    reader_token = api_token(client, reader.client_id, reader_secret)
    assert api_decide(client, reader_token, world.approver1.email, application.id,
                   "bank_approve", {}).status_code == 403


def test_the_document_lists_each_triggers_body_by_the_pages_form(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/applications/{application_id}/transitions/{trigger}"][
        "post"]["requestBody"]
    listed = {ref["$ref"].rsplit("/", 1)[1]
              for ref in body["content"]["application/json"]["schema"]["anyOf"]}
    schemas = spec["components"]["schemas"]
    assert listed <= set(schemas)
    # Which body a product's trigger takes is said; the officer's recommendation, in full.
    assert "`RecommendationBody`: loan.recommend" in body["description"]
    assert "loan.report_overdue" in body["description"]
    assert "loan.submit" not in body["description"]  # the founder's, in the pages
    operation = spec["paths"]["/api/v1/applications/{application_id}/transitions/{trigger}"]
    trigger = next(p for p in operation["post"]["parameters"] if p["name"] == "trigger")
    assert {"recommend", "report_overdue", "approve_reward"} <= set(trigger["schema"]["enum"])
    assert "submit" not in trigger["schema"]["enum"]
    recommend = schemas["RecommendationBody"]
    assert recommend["additionalProperties"] is False
    assert set(recommend["properties"]) == {"comment", "amount", "rate", "term_months",
                                            "security"}
    assert set(recommend["required"]) == {"amount", "rate", "term_months", "security"}
    assert recommend["properties"]["term_months"] == {
        "type": "integer", "enum": [12, 24, 36],
        "description": "Term: 12 (12 months); 24 (24 months); 36 (36 months)"}
    assert recommend["properties"]["security"]["enum"] == ["pure_credit", "guarantee",
                                                           "pledge", "collateral"]
    assert recommend["properties"]["amount"]["format"] == "decimal"
    assert "yuan" in recommend["properties"]["amount"]["description"]
    assert recommend["properties"]["comment"]["maxLength"] == 4000
    overdue = schemas["OverdueBody"]["properties"]
    assert overdue["overdue_since"]["format"] == "date"
    assert overdue["classification"]["enum"] == ["special_mention", "substandard",
                                                 "doubtful", "loss"]
    # Choices that depend on the application say so instead of listing codes.
    assert "enum" not in schemas["InfoRequestBody"]["properties"]["fields"]["items"]
    assert schemas["InfoRequestBody"]["properties"]["fields"]["type"] == "array"


def test_a_decision_refuses_a_field_its_form_does_not_have(client, world, db):
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    token = api_token(client, row.client_id, secret)
    application = factories.loan_in(world, "partner_review")
    misspelt = {**TERMS, "amout": "900000"}
    refused = api_decide(client, token, world.officer1.email, application.id, "recommend",
                         misspelt, **{"Accept-Language": "en"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["body"] == {
        "amout": ["This field is not one the operation takes."]}
    db.session.refresh(application)
    assert application.status == "partner_review"
    assert api_decide(client, token, world.officer1.email, application.id, "recommend",
                      TERMS).status_code == 200


def test_a_refused_choice_through_the_api_names_the_codes_the_page_names_labels(
        client, auth, world):
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    token = api_token(client, row.client_id, secret)
    application = factories.loan_in(world, "partner_review")
    refused = api_decide(client, token, world.officer1.email, application.id, "recommend",
                         {**TERMS, "term_months": "18", "security": "貌似担保"})
    errors = refused.get_json()["errors"]["body"]
    assert errors["term_months"] == ["请从以下代码中选择：12, 24, 36。"]
    assert errors["security"] == ["请从以下代码中选择：pure_credit, guarantee, pledge, "
                                  "collateral。"]
    login(auth, world.officer1)  # the page's form keeps naming what the person reads
    page = client.post(f"/applications/{application.id}/fire/recommend", data={
        **{f"recommend-{k}": v for k, v in TERMS.items()}, "recommend-term_months": "18"})
    assert page.status_code == 422  # (the officer's account reads English)
    assert "Choose one of: 12 months, 24 months, 36 months." in page.get_data(as_text=True)
    assert "Choose one of the codes" not in page.get_data(as_text=True)
