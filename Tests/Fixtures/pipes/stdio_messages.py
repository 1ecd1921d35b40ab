# Messages on stdout mixed with ordinary output (messages: .stdout).
from dagster_pipes import open_dagster_pipes

print("before opening")
with open_dagster_pipes() as pipes:
    print("ordinary output between messages")
    pipes.log.info("a message on stdout")
    pipes.report_asset_materialization(metadata={"channel": "stdout"})
print("after closing")
