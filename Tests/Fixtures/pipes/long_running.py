# Starts a child process of its own and waits; writes both process ids to the file named by
# the extra "pids". With the extra "stubborn", both ignore SIGINT, so only SIGKILL ends them.
import os
import signal
import subprocess
import sys
import time
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    stubborn = pipes.get_extra("stubborn")
    if stubborn:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    child = subprocess.Popen(
        [sys.executable, "-c", "import signal, time\n"
         + ("signal.signal(signal.SIGINT, signal.SIG_IGN)\n" if stubborn else "")
         + "time.sleep(600)"])
    with open(pipes.get_extra("pids"), "w") as f:
        f.write(f"{os.getpid()} {child.pid}\n")
    pipes.log.info("waiting")
    time.sleep(600)
