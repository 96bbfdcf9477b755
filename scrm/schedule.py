"""The one beat schedule. Each entry names a task registered in scrm/tasks.py."""

from typing import Any

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "heartbeat": {"task": "crm_core.record_heartbeat", "schedule": 60.0},
    # RFM classes and churn flags, rebuilt after the night's tier and lifecycle runs.
    "analytics-rebuild-rfm": {
        "task": "analytics.rebuild_rfm",
        "schedule": crontab(hour=3, minute=30),
    },
    # Safety net: web processes relay WeChat events as they arrive (wechat/service/relay.py).
    "wechat-dispatch-pending": {"task": "wechat.dispatch_pending", "schedule": 30.0},
    "sms-reap-expired-leases": {"task": "sms_gateway.reap_expired_leases", "schedule": 60.0},
    "sms-flush-incomplete-inbound": {
        "task": "sms_gateway.flush_incomplete_inbound",
        "schedule": 300.0,
    },
    # Loyalty: hourly expiry; the daily jobs run at night, Asia/Shanghai (the Celery timezone).
    "loyalty-expire-points": {"task": "loyalty.expire_points", "schedule": 3600.0},
    "loyalty-expire-coupons": {"task": "loyalty.expire_coupons", "schedule": 3600.0},
    "loyalty-notify-expiring-coupons": {
        "task": "loyalty.notify_expiring_coupons",
        "schedule": 3600.0,
    },
    "loyalty-reevaluate-tiers": {
        "task": "loyalty.reevaluate_tiers",
        "schedule": crontab(hour=2, minute=30),
    },
    "loyalty-refresh-lifecycles": {
        "task": "loyalty.refresh_lifecycles",
        "schedule": crontab(hour=2, minute=30),
    },
    "loyalty-birthday-gifts": {
        "task": "loyalty.grant_birthday_gifts",
        "schedule": crontab(hour=8, minute=30),
    },
    # Reviews: the word-cloud rollup of today and yesterday (each review also queues its day).
    "analytics-rollup-review-terms": {
        "task": "analytics.rollup_recent_review_terms",
        "schedule": 600.0,
    },
    "loyalty-resume-red-packets": {"task": "loyalty.resume_red_packets", "schedule": 300.0},
    "loyalty-check-ledger": {
        "task": "loyalty.check_ledger",
        "schedule": crontab(hour=4, minute=30),
    },
    # Care messages: birthdays and festivals on the Asia/Shanghai day, inside marketing hours.
    "campaigns-daily-care": {
        "task": "campaigns.send_daily_care",
        "schedule": crontab(hour=9, minute=30),
    },
    # Messages deferred by quiet hours go back to the workers (no long ETAs on the broker).
    "campaigns-release-deferred": {"task": "campaigns.release_deferred", "schedule": 60.0},
    "campaigns-start-due": {"task": "campaigns.start_due_campaigns", "schedule": 30.0},
    "campaigns-resume": {"task": "campaigns.resume_campaigns", "schedule": 30.0},
    "campaigns-record-sms-reports": {"task": "campaigns.record_sms_reports", "schedule": 300.0},
    # The public pool: recycle and remind once a day, before the working day (Asia/Shanghai).
    "customers-sweep-pool": {
        "task": "customers.sweep_pool",
        "schedule": crontab(hour=1, minute=0),
    },
    # Approvals pending past their flow's limit remind the current approver, once per period.
    "approvals-remind-overdue": {"task": "crm_core.approvals.remind_overdue", "schedule": 900.0},
    # Sent quotes past their validity date expire just after midnight, Asia/Shanghai.
    "sales-expire-quotes": {"task": "sales.expire_quotes", "schedule": crontab(hour=0, minute=10)},
    # The cash journal's invariant (balance = Σ entries per account), checked nightly.
    "payments-check-ledger": {
        "task": "payments.check_ledger",
        "schedule": crontab(hour=2, minute=30),
    },
    # Unpaid instalments due within SCRM_PAYMENT_REMINDER_DAYS or overdue remind the contract's
    # owner, once per instalment per day (the task is idempotent; run hourly in case one fails).
    "payments-plan-reminders": {"task": "payments.plan_reminders", "schedule": 3600.0},
}
