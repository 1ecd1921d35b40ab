# The Spark-driver case: the session closes with an exception, but the script swallows it
# and exits 0. Dagster reports success here; Cairn must not.
from dagster_pipes import open_dagster_pipes

try:
    with open_dagster_pipes() as pipes:
        pipes.log.info("loading")
        raise MemoryError("Java heap space")
except MemoryError:
    pass
