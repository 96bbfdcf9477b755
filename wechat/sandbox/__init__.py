"""A faithful local WeChat: fake API server, admin/simulator API and a phone simulator page."""

from wechat.sandbox.app import create_sandbox_app, run_sandbox

__all__ = ["create_sandbox_app", "run_sandbox"]
