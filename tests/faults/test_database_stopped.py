"""PostgreSQL stopped under a running web server while staff take decisions."""

import threading
import time

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin import create_app
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.services.parameters import seed_defaults
from tests import factories
from tests.faults import cannot_run_here
from tests.faults import processes

pytestmark = pytest.mark.faults
LOANS = 6


@pytest.fixture
def cluster():
    """A PostgreSQL server of the test's own, running."""
    try:
        server = processes.PrivateCluster()
    except (FileNotFoundError, KeyError) as exc:
        cannot_run_here(f"no PostgreSQL server binaries to start a private server: {exc}")
    server.start()
    yield server
    server.remove()


@pytest.fixture
def site(cluster, tmp_path):
    """The app on the private server: schema, the world, loans waiting for the park."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": cluster.url,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "DOSSIER_FOLDER": str(tmp_path / "dossiers"), "SERVER_NAME": None})
    with app.app_context():
        db.create_all()
        seed_defaults()
        world = factories.make_world()
        ids = [factories.loan_in(world, "park_review").id for _ in range(LOANS)]
        db.session.commit()
        yield app, ids
        db.session.remove()
        db.engine.dispose()


def _decide(browser, application_id: int) -> tuple[int, dict, str]:
    browser.request(f"/applications/{application_id}")
    return browser.request(f"/applications/{application_id}/fire/park_approve",
                           {"park_approve-comment": "材料齐全，同意推荐。"})


def test_decisions_while_postgresql_is_stopped_fail_whole_with_a_503_and_recover_by_themselves(
        cluster, site, tmp_path):
    app, ids = site
    port = processes.free_port()
    log = tmp_path / "web.log"
    web = processes.serve(processes.environment(app), port, log)
    try:
        browser = processes.Browser(f"http://127.0.0.1:{port}")
        browser.log_in("park@t.cn", factories.PASSWORD)
        assert _decide(browser, ids[0])[0] == 302

        # Stopped while nobody waits: the next decision fails whole and says so.
        browser.request(f"/applications/{ids[1]}")
        cluster.stop("fast")
        status, headers, body = browser.request(
            f"/applications/{ids[1]}/fire/park_approve",
            {"park_approve-comment": "材料齐全，同意推荐。"})
        assert status == 503, body[-2000:]
        assert headers["Retry-After"] == "30"
        assert "暂时无法使用" in body and "材料齐全，同意推荐。" in body  # what was typed
        assert browser.request("/queue/")[0] == 503
        cluster.start()
        # Back without restarting the web server: the pool's dead connections are replaced.
        assert _decide(browser, ids[1])[0] == 302

        # Stopped as by a crash while a colleague decides one after another (after the
        # first decision the colleague goes on once the crash has happened: a loaded
        # machine could otherwise finish them all before the server stops).
        outcomes: dict[int, list[int]] = {i: [] for i in ids[2:]}
        crashed = threading.Event()

        def colleague():
            other = processes.Browser(f"http://127.0.0.1:{port}")
            other.log_in("park@t.cn", factories.PASSWORD)
            for index, application_id in enumerate(ids[2:]):
                if index == 1:
                    crashed.wait(timeout=60)
                for _attempt in range(200):
                    try:
                        status = _decide(other, application_id)[0]
                    except OSError:
                        status = 0
                    outcomes[application_id].append(status)
                    if status in (302, 409):
                        break
                    time.sleep(0.1)

        thread = threading.Thread(target=colleague)
        thread.start()
        processes.wait_for(lambda: outcomes[ids[2]], 60, "the colleague's first decision")
        cluster.stop("immediate")
        crashed.set()
        time.sleep(2)
        cluster.start()
        thread.join(timeout=120)
        assert not thread.is_alive()
    finally:
        processes.stop(web)

    server_errors = [s for codes in outcomes.values() for s in codes if s not in (302, 409, 503)]
    assert server_errors == [], processes.tail(log)
    assert all(codes[-1] in (302, 409) for codes in outcomes.values()), outcomes
    assert any(503 in codes for codes in outcomes.values()), outcomes  # it was stopped
    # Each decision is whole and once: the state, its log row, its dossier, its tasks.
    with app.app_context():
        for application_id in ids:
            assert db.session.get(Application, application_id).status == "partner_review"
            assert db.session.scalar(select(func.count(TransitionLog.id)).where(
                TransitionLog.application_id == application_id,
                TransitionLog.trigger == "park_approve")) == 1
            assert db.session.scalar(select(func.count(Dossier.id)).where(
                Dossier.application_id == application_id)) == 2  # submission, park review
        assert db.session.scalar(select(func.count(OutboxTask.id)).where(
            OutboxTask.kind == "notify_transition")) == 2 * LOANS
