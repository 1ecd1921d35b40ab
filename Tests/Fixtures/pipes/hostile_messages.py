# Opens its session, then appends what a broken or hostile client could write to the message
# file: text that is not JSON, an unknown method, invalid UTF-8, a 10 MB line, a message that is
# not a Pipes message, a report for an asset of another step; then reports properly.
import base64
import json
import os
import zlib
from dagster_pipes import open_dagster_pipes

params = json.loads(zlib.decompress(base64.b64decode(os.environ["DAGSTER_PIPES_MESSAGES"])))
path = params["path"]

with open_dagster_pipes() as pipes:
    with open(path, "ab") as raw:
        raw.write(b"this is not json\n")
        raw.write(b'{"__dagster_pipes_version": "0.1", "method": "teleport", "params": {}}\n')
        raw.write(b'{"__dagster_pipes_version": "0.1", "method": "log", "params": {"message": "\xff\xfe bad", "level": "INFO"}}\n')
        raw.write(b'{"__dagster_pipes_version": "0.1", "method": "log", "params": {"message": "' + b"x" * (10 * 1024 * 1024) + b'", "level": "INFO"}}\n')
        raw.write(b'{"hello": "world"}\n')
        raw.write(b'{"__dagster_pipes_version": "0.1", "method": "log", "params": {"message": "odd level", "level": "NOTICE"}}\n')
        raw.write(b"[" * 100000 + b"\n")
    pipes.log.info("still talking")
    pipes.report_asset_materialization(metadata={"rows": 5, "bad": {"raw_value": "x", "type": "float"}})
