"""The one beat schedule. Each entry names a task registered in scrm/tasks.py."""

from typing import Any

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "heartbeat": {"task": "crm_core.record_heartbeat", "schedule": 60.0},
}
