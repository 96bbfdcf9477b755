"""Uploaded files (contract scans, payment proofs) behind one small interface: the local disk
under the var dir, or an S3-compatible bucket. Files are never served by URL: callers read them
back through their package's permission- and scope-checked download route."""

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crm_core.config import StorageSettings, get_settings
from crm_core.errors import PayloadTooLargeError, ValidationError

MAX_BYTES = 20 * 1024 * 1024
# What a scan or a signed contract may be, by its first bytes (the client's type is not trusted).
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/webp": (b"RIFF",),
}
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
}


class FileTooLargeError(PayloadTooLargeError):
    code = "file_too_large"
    message = "文件不能超过 20 MB"


class FileTypeError(ValidationError):
    code = "file_type_invalid"
    message = "只能上传 PDF 或图片（PNG、JPEG、WEBP）文件"


class FileEmptyError(ValidationError):
    code = "file_empty"
    message = "文件为空"


@dataclass(frozen=True)
class StoredFile:
    key: str
    name: str
    content_type: str
    size: int
    sha256: str


def sniff(name: str, body: bytes) -> str:
    """The content type the bytes prove, when the file name agrees; else FileTypeError."""
    if not body:
        raise FileEmptyError(field="file")
    if len(body) > MAX_BYTES:
        raise FileTooLargeError(field="file")
    for content_type, heads in SIGNATURES.items():
        webp_ok = content_type != "image/webp" or body[8:12] == b"WEBP"
        if any(body.startswith(h) for h in heads) and webp_ok:
            if name.lower().endswith(EXTENSIONS[content_type]):
                return content_type
            break
    raise FileTypeError(field="file")


def clean_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "file"
    return "".join(c for c in base if c.isprintable())[:128]


class Backend(Protocol):
    async def put(self, key: str, body: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes: ...
    async def delete(self, key: str) -> None: ...


class DiskBackend:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError("key escapes the storage root")
        return path

    async def put(self, key: str, body: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(path.suffix + ".part")
            partial.write_bytes(body)
            partial.replace(path)

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)


class S3Backend:
    """Any S3-compatible store (AWS S3, MinIO, Ceph, OSS/COS in S3 mode). boto3 is synchronous:
    each call runs in a thread."""

    def __init__(self, settings: StorageSettings) -> None:
        import boto3

        secret = settings.s3_secret_access_key
        self.bucket, self.prefix = settings.s3_bucket, settings.s3_prefix
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=(
                settings.s3_access_key_id.get_secret_value() if settings.s3_access_key_id else None
            ),
            aws_secret_access_key=secret.get_secret_value() if secret else None,
        )

    async def put(self, key: str, body: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object,
            Bucket=self.bucket,
            Key=self.prefix + key,
            Body=body,
            ContentType=content_type,
        )

    async def get(self, key: str) -> bytes:
        answer = await asyncio.to_thread(
            self.client.get_object, Bucket=self.bucket, Key=self.prefix + key
        )
        return await asyncio.to_thread(answer["Body"].read)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(
            self.client.delete_object, Bucket=self.bucket, Key=self.prefix + key
        )


_backend: Backend | None = None


def backend() -> Backend:
    global _backend
    if _backend is None:
        settings = get_settings()
        if settings.storage.backend == "s3":
            _backend = S3Backend(settings.storage)
        else:
            _backend = DiskBackend(settings.var_dir / "files")
    return _backend


def use_backend(chosen: Backend | None) -> None:
    """Tests (and scrm/) pick the backend; None goes back to the settings."""
    global _backend
    _backend = chosen


async def save(folder: str, name: str, body: bytes) -> StoredFile:
    """Type-check and store an upload under a random key (names are never part of the key)."""
    content_type = sniff(name, body)
    key = f"{folder}/{secrets.token_hex(16)}"
    await backend().put(key, body, content_type)
    return StoredFile(
        key=key,
        name=clean_name(name),
        content_type=content_type,
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )


async def read(key: str) -> bytes:
    return await backend().get(key)


async def remove(key: str) -> None:
    await backend().delete(key)
