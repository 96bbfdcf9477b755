"""The demo's GSM side: two simulated modems on ptys, each served by its own modem daemon, and a
small "handset" page listing what the simulated network delivered, so a demo user can read the
verification code that the member card sent."""

import html
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from sms_gateway.errors import InvalidNumberError
from sms_gateway.pdu import normalize_cn_msisdn
from sms_gateway.simulator import ModemSim

MODEM_COUNT = 2


def start_simulators() -> tuple[list[ModemSim], list[tuple[str, list[str]]]]:
    """Simulators run inside the demo process; each daemon is a child that opens the pty through
    pyserial, exactly as it would open /dev/ttyUSB0."""
    simulators = [
        ModemSim(imsi=f"46000123456{index:04d}", seed=index, time_scale=0.3)
        for index in range(MODEM_COUNT)
    ]
    daemons = []
    for index, simulator in enumerate(simulators, start=1):
        daemons.append((f"modem{index}", ["modem-daemon", "--port", simulator.start()]))
    return simulators, daemons


def received(simulators: list[ModemSim], number: str = "") -> list[dict[str, object]]:
    wanted = normalize_cn_msisdn(number) if number else ""
    return [
        {"to": message.destination, "text": message.text, "parts": message.total}
        for simulator in simulators
        for message in simulator.messages()
        if message.complete and (not wanted or message.destination == wanted)
    ]


def serve_handsets(simulators: list[ModemSim], port: int) -> ThreadingHTTPServer:
    """GET /sms?to=138… answers JSON; GET / is a page with every delivered SMS, newest last."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            number = parse_qs(url.query).get("to", [""])[0]
            try:
                rows = received(simulators, number)
            except InvalidNumberError:
                rows = []
            if url.path == "/sms":
                body, kind = json.dumps(rows, ensure_ascii=False).encode(), "application/json"
            else:
                items = "".join(
                    f"<li><b>{html.escape(str(r['to']))}</b> {html.escape(str(r['text']))}</li>"
                    for r in rows
                )
                body = (
                    f"<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=3>"
                    f"<title>模拟手机短信</title><h1>模拟手机短信 / Handset SMS</h1>"
                    f"<ol>{items}</ol>"
                ).encode()
                kind = "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_simulators(simulators: list[ModemSim]) -> None:
    for simulator in simulators:
        simulator.stop()
