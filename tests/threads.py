"""Firing transitions from several threads at once, as concurrent requests would."""

import threading

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import User
from talentfin.workflows import engine


def fire_together(app, firings: list[tuple[int, str, int]], comment: str = "") -> list:
    """Fire each (application id, trigger, user id) from its own thread, all at once.

    Each thread works in its own app context, so in its own session and connection, and
    loads the application and the user by id as a request would; a barrier makes them
    fire together. Returns each firing's result or exception, in order.
    """
    barrier = threading.Barrier(len(firings))
    results: list = [None] * len(firings)

    def work(index: int, application_id: int, trigger: str, user_id: int) -> None:
        with app.app_context():
            try:
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                barrier.wait(timeout=30)
                results[index] = engine.fire(application, trigger, user,
                                             comment=comment or f"t{index}")
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, *firing))
               for i, firing in enumerate(firings)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a firing hung"
    return results
