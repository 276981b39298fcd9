"""The partner API, ``/api/v1``: JSON for the partners' own systems, on the same services,
authorization map and rules as the pages.

Built with flask-smorest (marshmallow schemas, the OpenAPI 3 document generated from them
at ``/api/v1/openapi.json``; it works with this plain Flask app and its factory, where
APIFlask would replace the app class) and Authlib (the OAuth 2.0 client-credentials token
endpoint and the bearer-token check). A client calls for its organisation; a call made for
a person names them in ``On-Behalf-Of`` (their e-mail), and what that person may see and do
in the pages is what the call may. Errors are RFC 9457 problem details.
"""

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from flask import Flask
from flask_smorest import Api
from werkzeug.routing import Rule

from talentfin.extensions import csrf
from talentfin.services import api_clients
from talentfin.services.api_clients import TOKEN_SECONDS
from talentfin.views.api import applications
from talentfin.views.api import decision_bodies
from talentfin.views.api import docs
from talentfin.views.api import files
from talentfin.views.api import oauth
from talentfin.views.api import pool
from talentfin.views.api import queue

PREFIX = "/api/v1"


class ClientCredentials(grants.ClientCredentialsGrant):
    """The client-credentials grant, the secret in HTTP Basic or in the form."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self):
        """A scope the client does not hold is refused (``invalid_scope``, RFC 6749 5.2),
        not left out of a token that would then be refused call by call."""
        super().validate_requested_scope()
        asked = set((self.request.payload.scope or "").split())
        if asked - set(self.request.client.scope_list()):
            raise InvalidScopeError()


class PartnerApi(Api):
    """flask-smorest's Api without its app-wide JSON error handler: the pages keep their
    HTML error pages, and ``views.errors`` answers problem details under ``/api/``."""

    def _register_error_handlers(self):
        """Leave error handling to talentfin.views.errors."""


def register_api(app: Flask, product_modules=()) -> None:
    """The API's blueprints (the core's and the products' ``product_modules``, each with
    its ``blp`` and ``PATH``), its OpenAPI document and its token endpoint on ``app``."""
    app.config.setdefault("API_TITLE", "talentfin partner API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OAUTH2_TOKEN_EXPIRES_IN", {"client_credentials": TOKEN_SECONDS})
    app.after_request(oauth.add_rate_headers)
    app.after_request(oauth.log_call)
    with app.test_request_context(f"{PREFIX}/", headers={"Accept-Language": "en"}):
        scopes = {code: str(label) for code, label in api_clients.known_scopes().items()}
    api = PartnerApi(app, spec_kwargs={"components": {"securitySchemes": {"oauth2": {
        "type": "oauth2", "flows": {"clientCredentials": {
            "tokenUrl": f"{PREFIX}/oauth/token", "scopes": scopes}}}}}})
    api.spec.options["security"] = [{"oauth2": []}]
    # The token endpoint (Authlib's): its form, client authentication and answers.
    api.spec.components.security_scheme("clientBasic", {
        "type": "http", "scheme": "basic",
        "description": "The client's id and secret, for the token endpoint"})
    for name, schema in oauth.TOKEN_SCHEMAS.items():
        api.spec.components.schema(name, schema)
    api.spec.path(rule=Rule(f"{PREFIX}/oauth/token"), operations=oauth.token_operation())
    # The decisions' bodies, the forms' labels in English as the rest of the document.
    with app.test_request_context(f"{PREFIX}/", headers={"Accept-Language": "en"}):
        for name, schema in decision_bodies.components().items():
            api.spec.components.schema(name, schema)
    api.register_blueprint(applications.blp, url_prefix=f"{PREFIX}/applications")
    api.register_blueprint(files.blp, url_prefix=f"{PREFIX}/applications")
    api.register_blueprint(queue.blp, url_prefix=f"{PREFIX}/queue")
    for module in product_modules:
        api.register_blueprint(module.blp, url_prefix=f"{PREFIX}/{module.PATH}")
    api.register_blueprint(pool.blp, url_prefix=PREFIX)
    for blueprint in (oauth.bp, applications.blp, files.blp, queue.blp, pool.blp,
                      *(module.blp for module in product_modules)):
        csrf.exempt(blueprint)
    app.register_blueprint(oauth.bp, url_prefix=f"{PREFIX}/oauth")
    app.register_blueprint(docs.bp, url_prefix=PREFIX)
    server = AuthorizationServer(app, query_client=api_clients.query_client,
                                 save_token=api_clients.save_token)
    server.register_grant(ClientCredentials)
    app.extensions["talentfin_oauth"] = server
