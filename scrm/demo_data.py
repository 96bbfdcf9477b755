"""Demo data: one brand, its departments, three stores, six guides and a login per built-in role."""

from crm_core import audit, security
from crm_core.org.models import Department, Role, Staff, Store
from crm_core.org.service.roles import ensure_builtin_roles

DEMO_PASSWORD = "demo1234"  # noqa: S105 - documented demo login, not a secret
DEPARTMENTS = [
    ("品牌总部", None),
    ("华东大区", "品牌总部"),
    ("华南大区", "品牌总部"),
    ("市场部", "品牌总部"),
    ("销售部", "品牌总部"),
    ("客服中心", "品牌总部"),
    ("财务部", "品牌总部"),
]
STORES = [
    ("SH001", "上海南京西路店", "上海市", "上海市", "静安区", "南京西路 1266 号", "华东大区"),
    ("HZ001", "杭州湖滨银泰店", "浙江省", "杭州市", "上城区", "东坡路 7 号", "华东大区"),
    ("SZ001", "深圳万象城店", "广东省", "深圳市", "罗湖区", "宝安南路 1881 号", "华南大区"),
]
# username, name, role, department, store code, guide?
STAFF = [
    ("admin", "系统管理员", "admin", "品牌总部", None, False),
    ("marketer", "林晓营", "marketer", "市场部", None, False),
    ("sh_manager", "王店长", "store_manager", "华东大区", "SH001", False),
    ("sz_manager", "陈店长", "store_manager", "华南大区", "SZ001", False),
    ("sales", "赵销售", "sales_rep", "销售部", None, False),
    ("sales_lead", "钱经理", "sales_manager", "销售部", None, False),
    ("service", "孙客服", "service_agent", "客服中心", None, False),
    ("finance", "李财务", "finance", "财务部", None, False),
    ("guide_sh1", "张小美", "guide", "华东大区", "SH001", True),
    ("guide_sh2", "刘佳佳", "guide", "华东大区", "SH001", True),
    ("guide_hz1", "周婷", "guide", "华东大区", "HZ001", True),
    ("guide_hz2", "吴昊", "guide", "华东大区", "HZ001", True),
    ("guide_sz1", "郑琪", "guide", "华南大区", "SZ001", True),
    ("guide_sz2", "黄磊", "guide", "华南大区", "SZ001", True),
]


async def seed_demo() -> str:
    await ensure_builtin_roles()
    if await Staff.exists(username="admin"):
        from scrm.demo_loyalty import seed_loyalty
        from scrm.demo_wechat import seed_wechat

        return (
            "演示数据已存在，未重复导入 / demo data already present；"
            + await seed_wechat()
            + "；"
            + await seed_loyalty()
        )
    departments: dict[str, Department] = {}
    for order, (name, parent) in enumerate(DEPARTMENTS):
        departments[name] = await Department.create(
            name=name, parent=departments.get(parent) if parent else None, sort_order=order
        )
    stores = {
        code: await Store.create(
            code=code,
            name=name,
            province=province,
            city=city,
            district=district,
            address=address,
            phone="021-6000" + code[-3:],
            department=departments[dept],
        )
        for code, name, province, city, district, address, dept in STORES
    }
    password_hash = security.hash_password(DEMO_PASSWORD)
    for username, name, role_code, dept, store_code, guide in STAFF:
        staff = await Staff.create(
            username=username,
            name=name,
            password_hash=password_hash,
            department=departments[dept],
            is_guide=guide,
            store=stores.get(store_code or ""),
            phone=f"1380000{len(username):02d}{ord(username[-1]) % 100:02d}",
        )
        await staff.roles.add(await Role.get(code=role_code))
        if role_code == "store_manager" and store_code:
            stores[store_code].manager_id = staff.id
            await stores[store_code].save(update_fields=["manager_id"])
    await audit.record(
        audit.SYSTEM, "demo.seed", after={"stores": len(stores), "staff": len(STAFF)}
    )
    from scrm.demo_wechat import seed_wechat

    await seed_wechat()
    from scrm.demo_loyalty import seed_loyalty

    await seed_loyalty()
    return f"已导入演示数据：{len(departments)} 个部门、{len(stores)} 家门店、{len(STAFF)} 名员工"
