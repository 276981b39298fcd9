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
from tests.web import api_token

EXAMPLES = 25


def _officer_calls(app, client, world):
    """The headers of calls for bank 1's officer through a client of every scope, and the
    API's schema; the rate limit out of the way (generated calls are many, and fast)."""
    row, secret = api_clients.register(world.bank1, "schemathesis",
                                       ["read", "decide", "report"], world.admin)
    headers = {"Authorization": f"Bearer {api_token(client, row.client_id, secret)}",
               "On-Behalf-Of": world.officer1.email}
    app.config["API_RATE_LIMIT"] = 1_000_000
    return headers, schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_answers_as_documented(app, client, world):
    factories.loan_in(world, "partner_review")
    headers, schema = _officer_calls(app, client, world)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    # The token endpoint too (its refusals as RFC 6749 has them: no guess is a client).
    assert "POST /api/v1/oauth/token" in {operation.label for operation in operations}

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            response = case.call(headers=headers)
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

        answers_as_documented()
    app.config["API_RATE_LIMIT"] = 600


def test_the_linked_operations_hold_together(app, client, world):
    """Schemathesis's stateful run: sequences that follow the document's links (the queue to
    an application, an application to its document and dossier, an upload to its download,
    a decision to the application, a page to the next) with the values a response gave;
    no server error and every response as documented along the way."""
    for _ in range(3):
        factories.loan_in(world, "partner_review")
    factories.loan_in(world, "npl")
    headers, schema = _officer_calls(app, client, world)

    answered = set()

    class Calls(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def after_call(self, response, case):
            answered.add((case.operation.label, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=[positive_data_acceptance],
                                   transport_kwargs=kwargs)

    Calls.run(settings=settings(max_examples=60, stateful_step_count=8, deadline=None,
                                database=None, suppress_health_check=list(HealthCheck)))
    app.config["API_RATE_LIMIT"] = 600
    # A document found through the links was downloaded (no guess finds an application's
    # document by its two ids).
    assert ("GET /api/v1/applications/{application_id}/documents/{document_id}", 200) \
        in answered, "\n".join(map(str, sorted(answered)))
