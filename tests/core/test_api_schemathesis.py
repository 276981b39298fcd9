"""Schemathesis against the API's own OpenAPI document: generated requests to every
operation, made with a valid token for a person who may call them; no server error, and
every response as the document describes it (status, content type, headers, body).

One of Schemathesis's checks is left out: that every request the schema allows is
accepted. The API refuses, as the pages do, values a schema cannot describe (a cursor it
never gave, an amount the form's rules refuse, a decision the application's state does not
allow), with a documented 400 or 422 problem."""

import schemathesis
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from talentfin.services import api_clients
from tests import factories

EXAMPLES = 25


def test_every_operation_answers_as_documented(app, client, world):
    factories.loan_in(world, "partner_review")
    row, secret = api_clients.register(world.bank1, "schemathesis",
                                       ["read", "decide", "report"], world.admin)
    token = client.post("/api/v1/oauth/token", data={
        "grant_type": "client_credentials", "client_id": row.client_id,
        "client_secret": secret}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "On-Behalf-Of": world.officer1.email}
    app.config["API_RATE_LIMIT"] = 1_000_000  # generated calls are many, and fast
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            response = case.call(headers=headers)
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

        answers_as_documented()
    app.config["API_RATE_LIMIT"] = 600
