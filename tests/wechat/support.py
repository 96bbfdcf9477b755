"""Helpers shared by the wechat tests: serving an ASGI app on a real socket, seed data."""

import socket
import threading
import time
from typing import Any

import uvicorn
from fastapi import FastAPI

APPID = "wxsandbox00000001"
SECRET = "s3cret"
TOKEN = "sandboxtoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


class Served:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", http="h11")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 5
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


def serve(app: FastAPI) -> Served:
    return Served(app)


def default_seed(**app: Any) -> dict[str, Any]:
    return {
        "apps": [
            {
                "appid": APPID,
                "secret": SECRET,
                "token": TOKEN,
                "aes_key": AES_KEY,
                "templates": ["TPL_ORDER"],
                **app,
            }
        ],
        "users": [
            {"appid": APPID, "openid": "o_alice", "nickname": "爱丽丝", "subscribed": True},
            {"appid": APPID, "openid": "o_bob", "nickname": "鲍勃", "subscribed": True},
            {"appid": APPID, "openid": "o_carol", "nickname": "卡罗尔"},
        ],
    }
