"""The pinned Dagster the reference-vector scripts read, in .venv-dagster/ of the checkout."""

import os
import subprocess
import sys

DAGSTER_VERSION = "1.13.29"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv-dagster")


def ensure_venv() -> None:
    """Re-run the calling script inside .venv-dagster with Dagster installed."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.abspath(sys.executable) == os.path.abspath(python):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    subprocess.check_call([python, "-m", "pip", "install", "-q", f"dagster=={DAGSTER_VERSION}"])
    os.execv(python, [python, *sys.argv])
