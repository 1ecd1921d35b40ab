# A client that is not dagster-pipes reports the same asset twice, and an asset of another
# step: the orchestrator must refuse both.
import base64
import json
import os
import zlib

def decode(name):
    return json.loads(zlib.decompress(base64.b64decode(os.environ[name])))

context = json.load(open(decode("DAGSTER_PIPES_CONTEXT")["path"]))
path = decode("DAGSTER_PIPES_MESSAGES")["path"]

def send(method, params):
    with open(path, "a") as f:
        f.write(json.dumps({"__dagster_pipes_version": "0.1", "method": method, "params": params}) + "\n")

send("opened", {"extras": {}})
key = context["asset_keys"][0]
send("report_asset_materialization", {"asset_key": key, "data_version": None, "metadata": None})
send("report_asset_materialization", {"asset_key": key, "data_version": None, "metadata": None})
send("report_asset_materialization", {"asset_key": "someone/else", "data_version": None, "metadata": None})
send("closed", {})
