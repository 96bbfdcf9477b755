"""What every channel page shares: templates, navigation, the permission check."""

from pathlib import Path
from typing import Annotated

from fastapi import Depends

import wechat.permissions  # noqa: F401 - registers the channel's resources
from crm_core.permissions import Principal
from crm_core.web.console import add_template_dir, console_principal

Console = Annotated[Principal, Depends(console_principal)]
add_template_dir(Path(__file__).resolve().parent.parent / "templates")
