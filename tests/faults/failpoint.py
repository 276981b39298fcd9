"""A worker or scheduler process with a failpoint, for the fault tests to kill.

``python -m tests.faults.failpoint worker|scheduler POINT SIGNAL_FILE`` starts the real
process (``run_worker``, or ``run_scheduler`` once, on the app the ``TALENTFIN_*`` variables
configure), with one function wrapped: when the process reaches POINT it creates
SIGNAL_FILE and hangs there until it is killed. The points:

- ``rendered``: a dossier's PDF was rendered (WeasyPrint's whole work), not yet stored;
- ``stored``: its file was written, the database not yet told;
- ``statement-before``: the monthly statement job started, nothing made yet;
- ``statement-after``: the statement was made and committed, the job's run not yet marked
  finished.
"""

import sys
import time
from pathlib import Path

from talentfin import create_app
from talentfin import jobs
from talentfin import scheduler
from talentfin.services import dossier_rendering
from talentfin.services.outbox import run_worker


def hang_after(module, name: str, signal_file: Path, before: bool = False) -> None:
    """Wrap ``module.name``: run it (unless ``before``), then signal and hang."""
    real = getattr(module, name)

    def wrapped(*args, **kwargs):
        if not before:
            real(*args, **kwargs)
        signal_file.touch()
        time.sleep(3600)

    setattr(module, name, wrapped)


POINTS = {
    "rendered": (dossier_rendering, "render_dossier_pdf", False),
    "stored": (dossier_rendering, "store_new_file", False),
    "statement-before": (jobs, "statement_for_last_month", True),
    "statement-after": (jobs, "statement_for_last_month", False),
}


def main() -> int:
    """Start the process named on the command line with its failpoint."""
    role, point, signal_file = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    module, name, before = POINTS[point]
    hang_after(module, name, signal_file, before)
    app = create_app()
    if role == "scheduler":
        # Every job for the current period, whatever the hour (``--once``): the test must
        # not depend on whether the monthly statement's time has come today.
        return scheduler.run_scheduler(app, once=True)
    with app.app_context():
        run_worker(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
