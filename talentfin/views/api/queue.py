"""The organisation's review queue through the API, page after page by cursor."""

from flask import abort
from flask import g
from flask_smorest import Blueprint

from talentfin import policy
from talentfin.i18n import _
from talentfin.policy import QUEUE
from talentfin.services.queue_cursor import decode_cursor
from talentfin.services.queue_cursor import queue_after
from talentfin.services.queue_filter import QueueFilter
from talentfin.views.api.oauth import requires
from talentfin.views.api.schemas import QueueArgsSchema
from talentfin.views.api.schemas import QueuePageSchema
from talentfin.views.api.schemas import problems

blp = Blueprint("api_queue", __name__, description="The review queue")


@blp.get("/")
@blp.arguments(QueueArgsSchema, location="query", as_kwargs=True)
@blp.response(200, QueuePageSchema)
@problems(blp, 400, 401, 403, 404, 422, 429)
@blp.doc(security=[{"oauth2": ["read"]}], operationId="listQueue",
         responses={200: {"links": {
             "ReadApplication": {"operationId": "readApplication", "parameters": {
                 "application_id": "$response.body#/items/0/id"}},
             "NextPage": {"operationId": "listQueue", "parameters": {
                 "after": "$response.body#/next"}}}}})
@requires("read")
def queue(limit: int, after: str | None = None, **filters):
    """What waits for the person the call is made for, as their queue page lists it (the
    same states, filters and visibility), oldest first by default; ``next`` is the cursor
    of the following page (``after=``), null at the end (404 for whoever has no queue
    page)."""
    if not policy.allowed(g.person, "read", QUEUE):
        abort(404)
    position = None
    if after:
        try:
            position = decode_cursor(after)
        except ValueError:
            abort(400, _("The cursor is not one this queue gave; start again without it."))
    items, following = queue_after(g.person, QueueFilter(**filters), position, limit)
    return {"items": items, "next": following}
