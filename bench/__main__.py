"""Run every benchmark in bench/ (or those named): python -m bench [name ...]."""

import pkgutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SKIP = {"support", "__main__"}


def main() -> int:
    names = sys.argv[1:] or sorted(
        m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name not in SKIP
    )
    failed = []
    for name in names:
        print(f"==== bench.{name} ====", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
