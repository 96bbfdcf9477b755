import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "receipts", name: "receipts", component: () => import("./ReceiptsPage.vue"), meta: { title: "回款", permission: "payments.receipt:view" } },
  {
    path: "supplier-payments",
    name: "supplier-payments",
    component: () => import("./SupplierPaymentsPage.vue"),
    meta: { title: "付款", permission: "payments.payment:view" },
  },
  { path: "suppliers", name: "suppliers", component: () => import("./SuppliersPage.vue"), meta: { title: "供应商", permission: "payments.supplier:view" } },
  {
    path: "fund-accounts",
    name: "fund-accounts",
    component: () => import("./FundAccountsPage.vue"),
    meta: { title: "资金账户", permission: "payments.account:view" },
  },
  { path: "cash-journal", name: "cash-journal", component: () => import("./CashJournalPage.vue"), meta: { title: "出纳日记账", permission: "payments.journal:view" } },
  { path: "fund-report", name: "fund-report", component: () => import("./FundReportPage.vue"), meta: { title: "资金报表", permission: "payments.report:view" } },
  { path: "aging", name: "aging", component: () => import("./AgingPage.vue"), meta: { title: "应收账龄", permission: "payments.receipt:view" } },
  {
    path: "plan-reminders",
    name: "plan-reminders",
    component: () => import("./PlanRemindersPage.vue"),
    meta: { title: "回款提醒", permission: "sales.contract:view" },
  },
];

export default routes;
