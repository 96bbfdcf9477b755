"""The file storage interface: the type check, the disk backend, and the S3 backend against a
real local S3 server (moto's ThreadedMotoServer over HTTP)."""

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from pydantic import SecretStr

from crm_core import storage
from crm_core.config import StorageSettings

PDF = b"%PDF-1.7\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 "


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        pytest.param("a.pdf", PDF, "application/pdf", id="pdf"),
        pytest.param("A.JPG", JPEG, "image/jpeg", id="jpeg-upper-case"),
        pytest.param("a.webp", WEBP, "image/webp", id="webp"),
    ],
)
def test_sniff_accepts_what_the_bytes_prove(name: str, body: bytes, expected: str) -> None:
    assert storage.sniff(name, body) == expected


@pytest.mark.parametrize(
    ("name", "body", "error"),
    [
        pytest.param("a.pdf", b"", storage.FileEmptyError, id="empty"),
        pytest.param("a.pdf", b"<html>", storage.FileTypeError, id="html-named-pdf"),
        pytest.param("a.png", PDF, storage.FileTypeError, id="pdf-named-png"),
        pytest.param("a.webp", b"RIFF\x00\x00\x00\x00WAVE", storage.FileTypeError, id="wav"),
        pytest.param("a.pdf", PDF + b"0" * storage.MAX_BYTES, storage.FileTooLargeError, id="big"),
    ],
)
def test_sniff_refuses(name: str, body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        storage.sniff(name, body)


def test_names_lose_their_path() -> None:
    assert storage.clean_name("..\\..\\etc/合同.pdf") == "合同.pdf"


async def test_disk_backend_round_trip(tmp_path: Path) -> None:
    disk = storage.DiskBackend(tmp_path)
    storage.use_backend(disk)
    try:
        stored = await storage.save("contracts/7", "../合同.pdf", PDF)
        assert (stored.name, stored.content_type, stored.size) == (
            "合同.pdf",
            "application/pdf",
            15,
        )
        assert stored.key.startswith("contracts/7/")
        assert ".." not in stored.key
        assert await storage.read(stored.key) == PDF
        assert await disk.get(stored.key) == PDF
        await storage.remove(stored.key)
        with pytest.raises(FileNotFoundError):
            await disk.get(stored.key)
        with pytest.raises(ValueError, match="escapes"):
            await disk.get("../outside")
    finally:
        storage.use_backend(None)


@pytest.fixture
def s3_server(free_tcp_port: int) -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_tcp_port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{free_tcp_port}"
    server.stop()


async def test_s3_backend_against_a_local_s3_server(s3_server: str) -> None:
    settings = StorageSettings(
        backend="s3",
        s3_endpoint_url=s3_server,
        s3_bucket="scrm-files",
        s3_access_key_id=SecretStr("testing"),
        s3_secret_access_key=SecretStr("testing"),
        s3_prefix="tenant-1/",
    )
    raw = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    raw.create_bucket(Bucket="scrm-files")
    storage.use_backend(storage.S3Backend(settings))
    try:
        stored = await storage.save("orders/3", "凭证.jpg", JPEG)
        listed = raw.list_objects_v2(Bucket="scrm-files")["Contents"]
        assert [o["Key"] for o in listed] == [f"tenant-1/{stored.key}"]
        head = raw.head_object(Bucket="scrm-files", Key=f"tenant-1/{stored.key}")
        assert (head["ContentType"], head["ContentLength"]) == ("image/jpeg", len(JPEG))
        assert await storage.read(stored.key) == JPEG
        await storage.remove(stored.key)
        assert raw.list_objects_v2(Bucket="scrm-files")["KeyCount"] == 0
    finally:
        storage.use_backend(None)
