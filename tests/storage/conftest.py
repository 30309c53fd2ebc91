"""A real S3-compatible server on loopback for the storage tests: moto's server
mode (a pinned dev dependency, so it always runs, in CI too)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartcity.storage import media_storage

BUCKET = "smartcity-test"
KEYS = {
    "AWS_ACCESS_KEY_ID": "test-only-key",
    "AWS_SECRET_ACCESS_KEY": "test-only-not-secret",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto_server on a free loopback port; yields its endpoint URL."""
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("moto_server")),
            "-H",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    saved = {key: os.environ.get(key) for key in KEYS}
    os.environ.update(KEYS)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("moto_server stopped at start") from None
                time.sleep(0.1)
        else:
            raise RuntimeError("moto_server did not answer in 10 s")
        bucket(endpoint).create()
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def bucket(endpoint: str):
    import boto3

    s3 = boto3.resource("s3", endpoint_url=endpoint, region_name="us-east-1")
    return s3.Bucket(BUCKET)


class Media:
    """This test's own prefix in the bucket, and what is stored under it."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.prefix = f"t-{uuid.uuid4().hex}"

    @property
    def url(self) -> str:
        return (
            f"s3://{BUCKET}/{self.prefix}?endpoint_url={self.endpoint}&region=us-east-1"
        )

    def objects(self) -> dict[str, bytes]:
        return {
            item.key: item.get()["Body"].read()
            for item in bucket(self.endpoint).objects.filter(Prefix=f"{self.prefix}/")
        }


@pytest.fixture
def s3_media(s3_server, settings) -> Media:
    """Uploads go to the S3-compatible server, under this test's own prefix."""
    media = Media(s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(media.url)}
    return media
