"""The cash side's console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav

ENTRIES = (
    ("回款", "Receipts", "/admin/receipts", "payments.receipt:view", "Money"),
    ("应收账龄", "Receivables aging", "/admin/aging", "payments.receipt:view", "Histogram"),
    ("回款提醒", "Payment reminders", "/admin/plan-reminders", "sales.contract:view", "Bell"),
    ("付款", "Payments", "/admin/supplier-payments", "payments.payment:view", "Wallet"),
    ("供应商", "Suppliers", "/admin/suppliers", "payments.supplier:view", "OfficeBuilding"),
    ("资金账户", "Fund accounts", "/admin/fund-accounts", "payments.account:view", "CreditCard"),
    ("出纳日记账", "Cash journal", "/admin/cash-journal", "payments.journal:view", "Notebook"),
    ("资金报表", "Fund report", "/admin/fund-report", "payments.report:view", "TrendCharts"),
)


def register() -> None:
    for label_zh, label_en, path, permission, icon in ENTRIES:
        add_nav(NavItem("财务", "Finance", label_zh, label_en, path, permission, icon))
