"""Files on S3-compatible object storage (``STORAGE_BACKEND = "s3"``), through boto3: one
bucket, keys ``<S3_PREFIX><area>/<name>``; writes are conditional (``If-None-Match: *``),
so an object is never replaced, as the local backend never replaces a file
(``talentfin.storage``)."""

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError
from botocore.exceptions import ClientError

from talentfin.storage import StorageError
from talentfin.storage import names


class S3Store:
    """Objects in one bucket of an S3-compatible store, ``<prefix><area>/<name>``."""

    def __init__(self, config):
        self.bucket = config["S3_BUCKET"]
        self.prefix = config.get("S3_PREFIX") or ""
        self.client = boto3.client(
            "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or "us-east-1",
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            config=Config(connect_timeout=5, read_timeout=30,
                          retries={"max_attempts": 3, "mode": "standard"}))

    def _key(self, area: str, name: str) -> str:
        return f"{self.prefix}{area}/{name}"

    def _call(self, what: str, function, **arguments):
        try:
            return function(Bucket=self.bucket, **arguments)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("PreconditionFailed", "ConditionalRequestConflict"):
                raise FileExistsError(what) from exc
            if code in ("NoSuchKey", "404", "NotFound"):
                raise FileNotFoundError(what) from exc
            raise StorageError(f"{what}: {code or exc}") from exc
        except BotoCoreError as exc:  # unreachable, timed out
            raise StorageError(f"{what}: {exc}") from exc

    def put(self, area: str, name: str, content: bytes) -> None:
        """Write an object under a key no object has (FileExistsError otherwise)."""
        key = self._key(area, name)
        self._call(key, self.client.put_object, Key=key, Body=content, IfNoneMatch="*")

    def put_new(self, area: str, stem: str, suffix: str, content: bytes) -> str:
        """Write under ``stem + suffix``, or the next free ``stem-rN + suffix``; the name."""
        for name in names(stem, suffix):
            try:
                self.put(area, name, content)
            except FileExistsError:
                continue
            return name
        raise FileExistsError(f"no free object name for {stem}")

    def read(self, area: str, name: str) -> bytes:
        """An object's bytes (FileNotFoundError when it is not there)."""
        key = self._key(area, name)
        return self._call(key, self.client.get_object, Key=key)["Body"].read()

    def exists(self, area: str, name: str) -> bool:
        """Whether the object is there."""
        key = self._key(area, name)
        try:
            self._call(key, self.client.head_object, Key=key)
        except FileNotFoundError:
            return False
        return True

    def remove(self, area: str, name: str) -> None:
        """Delete an object (nothing when it is not there)."""
        key = self._key(area, name)
        self._call(key, self.client.delete_object, Key=key)

    def path(self, _area: str, _name: str) -> None:
        """Objects have no path on this host."""
        return None
