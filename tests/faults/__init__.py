"""The fault tests: real processes killed, a database stopped, a disk filled."""

import os

import pytest

# Values of CI that mean "not under CI" (any other value, e.g. CI=1 or CI=true, is CI).
NOT_CI = ("", "0", "false", "no")


def cannot_run_here(reason: str) -> None:
    """A fault test this machine cannot run (no right to mount, no PostgreSQL server
    binaries): skipped on a developer's machine, a failure under CI (``CI`` set, as
    ``.ci/run`` sets it), so that CI never passes without having run it."""
    if os.environ.get("CI", "").strip().lower() not in NOT_CI:
        pytest.fail(f"{reason} (CI is set: the fault tests must run here)", pytrace=False)
    pytest.skip(reason)
