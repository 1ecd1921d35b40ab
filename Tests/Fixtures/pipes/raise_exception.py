# Fails inside the Pipes session with a chained exception; Python exits 1.
import sys
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    pipes.log.info("about to fail")
    try:
        {}["missing"]
    except KeyError as e:
        raise ValueError("boom") from e
