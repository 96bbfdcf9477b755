"""ASGI entry point for uvicorn and other servers: `uvicorn scrm.asgi:app`."""

from crm_core.config import get_settings
from crm_core.logging import configure_logging
from scrm.app import create_app

configure_logging(json=get_settings().is_prod)
app = create_app()
