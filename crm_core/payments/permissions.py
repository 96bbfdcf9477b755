"""Function permissions of the cash side; imported by crm_core.payments.api so they register once.

payments.receipt:edit reviews receipts (confirm, reject); payments.payment:edit pays approved
payments; payments.journal:create adjusts, transfers and reverses."""

from crm_core.permissions import Action, Resource, register_resource

V, C, E, X = Action.VIEW, Action.CREATE, Action.EDIT, Action.EXPORT
for code, zh, en, actions in (
    ("payments.account", "资金账户", "Fund accounts", (V, C, E)),
    ("payments.journal", "出纳日记账", "Cash journal", (V, C)),
    ("payments.receipt", "回款", "Receipts", (V, C, E)),
    ("payments.supplier", "供应商", "Suppliers", (V, C, E)),
    ("payments.payment", "付款", "Supplier payments", (V, C, E)),
    ("payments.report", "资金报表", "Fund report", (V, X)),
):
    register_resource(Resource(code, zh, en, "财务", "Finance", actions))
