"""A draft is opened once per press of the button: the founder's page carries a one-time
token, and the same page sent twice (a double click that got through, back and again, two
requests at once) opens the same draft instead of a second one."""

import re
import threading

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import User
from talentfin.services import applications as service
from tests import factories
from tests.web import login
from tests.web import text


def _token(client, product: str = "loan") -> str:
    page = text(client.get("/applications/"))
    form = page[page.index(f'value="{product}"'):]
    return re.search(r'name="opened_with" value="([^"]+)"', form).group(1)


def _drafts() -> int:
    return db.session.scalar(select(func.count(Application.id)))


def test_the_same_page_sent_twice_opens_one_draft(client, auth, world):
    login(auth, world.founder)
    token = _token(client)
    first = client.post("/applications/new", data={"product": "loan", "opened_with": token})
    again = client.post("/applications/new", data={"product": "loan", "opened_with": token})
    assert first.status_code == again.status_code == 302
    assert "/edit/company" in first.location and again.location == first.location
    assert _drafts() == 1

    # The page opened afresh carries a new token: a second draft when the founder wants one.
    fresh_token = _token(client)
    assert fresh_token != token
    other = client.post("/applications/new", data={"product": "loan",
                                                   "opened_with": fresh_token})
    assert other.location != first.location and _drafts() == 2


def test_a_page_sent_again_after_its_draft_went_on_shows_that_application(client, auth, world):
    login(auth, world.founder)
    token = _token(client)
    opened = client.post("/applications/new", data={"product": "loan", "opened_with": token})
    application_id = int(opened.location.split("/")[-3])
    factories.set_columns(db.session.get(Application, application_id), status="park_review")
    again = client.post("/applications/new", data={"product": "loan", "opened_with": token})
    assert again.location.endswith(f"/applications/{application_id}")
    assert _drafts() == 1


def test_another_founders_token_opens_a_draft_of_ones_own(client, auth, world):
    login(auth, world.founder)
    token = _token(client)
    client.post("/applications/new", data={"product": "loan", "opened_with": token})
    other = world.founder2
    auth.logout()
    login(auth, other)
    response = client.post("/applications/new", data={"product": "loan", "opened_with": token})
    assert response.status_code == 302 and "/edit/company" in response.location
    mine = db.session.scalars(select(Application).where(Application.applicant_id == other.id))
    assert [a.opened_with for a in mine] == [None]


def test_two_requests_of_one_page_at_once_open_one_draft(app, world):
    barrier = threading.Barrier(2)
    opened: list = [None, None]
    # Read in this thread: the fixture's objects belong to its session, which two threads
    # must not load through at once.
    founder_id = world.founder.id

    def press(index: int) -> None:
        with app.test_request_context():
            try:
                founder = db.session.get(User, founder_id)
                barrier.wait(timeout=30)
                opened[index] = service.start_application(founder, "loan", "same-page-token").id
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                opened[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert isinstance(opened[0], int) and opened[0] == opened[1], opened
    assert _drafts() == 1
