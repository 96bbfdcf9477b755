"""The simulator's side of the wire: a pty master or a TCP connection."""

from __future__ import annotations

import abc
import contextlib
import logging
import os
import select
import socket
import tty

logger = logging.getLogger(__name__)


class Endpoint(abc.ABC):
    url: str
    plugged: bool

    @abc.abstractmethod
    def fds(self) -> list[int]: ...

    @abc.abstractmethod
    def read(self, fd: int) -> bytes:
        """Bytes from the client; empty when there were none (or a connection was accepted)."""

    @abc.abstractmethod
    def write(self, data: bytes) -> None: ...

    @abc.abstractmethod
    def unplug(self) -> None: ...

    @abc.abstractmethod
    def replug(self) -> None: ...

    def close(self) -> None:
        self.unplug()


def _write_all(fd: int, data: bytes) -> None:
    """Non-blocking write; output is dropped (like a UART FIFO) if nobody reads for a while."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            if not select.select([], [fd], [], 0.5)[1]:
                logger.warning("client not reading; dropped %d bytes", len(view))
                return
            continue
        view = view[written:]


class PtyEndpoint(Endpoint):
    """A pty pair; ``url`` is a stable symlink that follows replugs, like /dev/serial/by-id."""

    def __init__(self, link_path: str) -> None:
        self.url = link_path
        self.device = ""
        self.plugged = False
        self._master = -1
        self._slave = -1
        self.replug()

    def replug(self) -> None:
        if self.plugged:
            return
        master, slave = os.openpty()
        # Raw before the client opens it, or the line discipline echoes and maps CR.
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self.device = os.ttyname(slave)
        temporary = f"{self.url}.new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        os.symlink(self.device, temporary)
        os.replace(temporary, self.url)
        self.plugged = True

    def fds(self) -> list[int]:
        return [self._master] if self.plugged else []

    def read(self, fd: int) -> bytes:
        try:
            return os.read(self._master, 4096)
        except (BlockingIOError, OSError):
            return b""

    def write(self, data: bytes) -> None:
        if self.plugged:
            try:
                _write_all(self._master, data)
            except OSError:
                logger.debug("write to pty master failed", exc_info=True)

    def unplug(self) -> None:
        """Closing the master is what a USB disconnect looks like to pyserial."""
        if not self.plugged:
            return
        self.plugged = False
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.url)
        os.close(self._master)
        # We hold the slave open so client reopen never races a vanished device; let it go now.
        os.close(self._slave)


class SocketEndpoint(Endpoint):
    """``socket://127.0.0.1:<port>``: one client at a time, a newer one replaces the older."""

    def __init__(self, port: int = 0) -> None:
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self.port = port
        self.plugged = False
        self.replug()
        self.url = f"socket://127.0.0.1:{self.port}"

    def replug(self) -> None:
        if self.plugged:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self.plugged = True

    def fds(self) -> list[int]:
        sockets = [self._listener, self._client] if self.plugged else []
        return [sock.fileno() for sock in sockets if sock is not None]

    def read(self, fd: int) -> bytes:
        if self._listener is not None and fd == self._listener.fileno():
            connection, _ = self._listener.accept()
            if self._client is not None:
                self._client.close()
            connection.setblocking(False)
            self._client = connection
            return b""
        if self._client is None:
            return b""
        try:
            data = self._client.recv(4096)
        except (BlockingIOError, OSError):
            return b""
        if not data:
            self._client.close()
            self._client = None
        return data

    def write(self, data: bytes) -> None:
        if self._client is not None:
            try:
                _write_all(self._client.fileno(), data)
            except OSError:
                self._client.close()
                self._client = None

    def unplug(self) -> None:
        self.plugged = False
        for sock in (self._client, self._listener):
            if sock is not None:
                sock.close()
        self._client = self._listener = None
