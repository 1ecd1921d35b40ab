# Writes to stderr and dies without closing its session: os._exit skips the with block's end.
import os
import sys
from dagster_pipes import open_dagster_pipes

pipes = open_dagster_pipes()
pipes.log.info("started")
for number in range(30):
    print(f"stderr line {number}", file=sys.stderr)
sys.stderr.flush()
os._exit(int(pipes.get_extra("status")))
