#!/usr/bin/env python3
"""A webhook receiver for Cairn's alert tests.

Usage: webhook_receiver.py DIRECTORY

Binds 127.0.0.1 on a free port and writes the port to DIRECTORY/port (atomically). Each POST's
body and Content-Type are appended as one JSON line to DIRECTORY/bodies.jsonl, and the request is
answered with the HTTP status in DIRECTORY/status (200 when the file is missing), so a test can
make the receiver fail and recover while it runs.
"""
import http.server
import json
import os
import signal
import sys

# The test process may ignore or block SIGTERM, and children inherit that: stop when told to.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])

directory = sys.argv[1]


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8")
        try:
            with open(os.path.join(directory, "status")) as status_file:
                status = int(status_file.read().strip())
        except FileNotFoundError:
            status = 200
        if 200 <= status < 300:
            with open(os.path.join(directory, "bodies.jsonl"), "a") as bodies:
                bodies.write(json.dumps({"content_type": self.headers.get("Content-Type"), "body": body}) + "\n")
        answer = b"ok" if 200 <= status < 300 else b"receiver told to fail"
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
temporary = os.path.join(directory, "port.tmp")
with open(temporary, "w") as port_file:
    port_file.write(str(server.server_address[1]))
os.rename(temporary, os.path.join(directory, "port"))
server.serve_forever()
