#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Loopback servers for the probes integration test (127.0.0.1 only, random free ports).

Prints one line "http=P closed=P grpc=P grpc_nohealth=P garbage=P full=P https=P"
(0 = not available)
and serves until stdin closes or SIGTERM. Every server stops by itself after --lifetime seconds.

  http           HTTP/1.1: /ok, /status/N, /headers (echo), /hostecho, /redirect/..., /slow,
                 /slowbody, /big
  closed         a port nobody listens on
  grpc           grpc.health.v1.Health/Check: ""->SERVING, "down"->NOT_SERVING, "slow"->3 s
                 then SERVING, else NOT_FOUND "unknown service" (needs python3-grpcio)
  grpc_nohealth  a gRPC server without the health service (UNIMPLEMENTED)
  garbage        answers anything with a line that is not HTTP, then closes
  full           a listener whose accept queue is full: SYNs are dropped (connect times out)
  https          the http handlers over TLS with a throw-away self-signed certificate (needs
                 the openssl command)
"""
import http.server
import os
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time

LIFETIME = 300
HOST = "127.0.0.1"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        p = self.path
        if p == "/ok":
            self.reply(200, b"ok")
        elif p.startswith("/status/"):
            code = int(p.split("/")[2])
            self.reply(code, b"status %d" % code)
        elif p.startswith("/headers"):
            lines = [self.requestline] + ["%s: %s" % (k, v) for k, v in self.headers.items()]
            self.reply(200, ("\n".join(lines) + "\n").encode())
        elif p == "/hostecho":
            self.reply(200, (self.headers.get("Host") or "").encode())
        elif p == "/redirect/relative":
            self.reply(302, b"moved", [("Location", "/ok")])
        elif p == "/redirect/absolute":
            self.reply(301, b"moved", [("Location", "http://%s:%d/ok" % (HOST, port))])
        elif p == "/redirect/other":
            self.reply(302, b"elsewhere", [("Location", "http://localhost:%d/ok" % port)])
        elif p == "/redirect/nolocation":
            self.reply(302, b"nowhere")
        elif p.startswith("/redirect/loop/"):
            n = int(p.split("/")[3])
            self.reply(302, b"", [("Location", "/redirect/loop/%d" % (n + 1))])
        elif p == "/redirect/ftp":
            self.reply(302, b"", [("Location", "ftp://%s:%d/x" % (HOST, port))])
        elif p == "/redirect/hostecho":
            self.reply(307, b"", [("Location", "/hostecho")])
        elif p == "/slow":
            time.sleep(3)
            self.reply(200, b"late")
        elif p == "/slowbody":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            time.sleep(3)
            self.wfile.write(b"x" * 90)
        elif p == "/big":
            self.reply(200, b"b" * 20000)
        else:
            self.reply(404, b"not found")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a probe that gave up (timeout, 10 KiB cut) closes early: expected


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def garbage_server():
    ls = socket.socket()
    ls.bind((HOST, 0))
    ls.listen(16)

    def serve():
        while True:
            c, _ = ls.accept()
            try:
                c.settimeout(2)
                c.recv(65536)
                c.sendall(b"garbage that is not http\r\n\r\n")
            except OSError:
                pass
            c.close()

    threading.Thread(target=serve, daemon=True).start()
    return ls.getsockname()[1], ls


def full_listener():
    """A listener with a full accept queue: further SYNs are dropped."""
    ls = socket.socket()
    ls.bind((HOST, 0))
    ls.listen(0)
    port = ls.getsockname()[1]
    keep = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect((HOST, port))
        except BlockingIOError:
            pass
        keep.append(c)
    time.sleep(0.2)
    return port, (ls, keep)


def grpc_servers():
    try:
        import grpc
        from concurrent import futures
    except ImportError:
        return 0, 0, None

    def parse_service(req):
        # HealthCheckRequest{string service = 1}: 0x0a <len> <bytes>, or empty
        if len(req) >= 2 and req[0] == 0x0A:
            return req[2:2 + req[1]].decode()
        return ""

    def check(req, ctx):
        svc = parse_service(req)
        if svc == "":
            return b"\x08\x01"
        if svc == "down":
            return b"\x08\x02"
        if svc == "slow":
            time.sleep(3)
            return b"\x08\x01"
        ctx.abort(grpc.StatusCode.NOT_FOUND, "unknown service")

    health = grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health",
        {"Check": grpc.unary_unary_rpc_method_handler(check)})
    s1 = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    s1.add_generic_rpc_handlers((health,))
    p1 = s1.add_insecure_port("%s:0" % HOST)
    s1.start()
    other = grpc.method_handlers_generic_handler(
        "other.Service", {"Do": grpc.unary_unary_rpc_method_handler(lambda r, c: b"")})
    s2 = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    s2.add_generic_rpc_handlers((other,))
    p2 = s2.add_insecure_port("%s:0" % HOST)
    s2.start()
    return p1, p2, (s1, s2)


def https_server():
    """The same handlers over TLS, with a certificate made here and thrown away."""
    if not shutil.which("openssl"):
        return 0, None
    d = tempfile.mkdtemp(prefix="skiff-probe-tls.")
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=probe.test", "-keyout", key, "-out", cert],
                       check=True, capture_output=True, timeout=60)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
    except (OSError, subprocess.SubprocessError, ssl.SSLError):
        return 0, None
    finally:
        shutil.rmtree(d, ignore_errors=True)
    httpsd = Server((HOST, 0), Handler)
    httpsd.socket = ctx.wrap_socket(httpsd.socket, server_side=True)
    threading.Thread(target=httpsd.serve_forever, daemon=True).start()
    return httpsd.server_address[1], httpsd


def main():
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    httpd = Server((HOST, 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    gport, gkeep = garbage_server()
    fport, fkeep = full_listener()
    g1, g2, gs = grpc_servers()
    sport, skeep = https_server()
    print("http=%d closed=%d grpc=%d grpc_nohealth=%d garbage=%d full=%d https=%d" %
          (httpd.server_address[1], free_port(), g1, g2, gport, fport, sport), flush=True)
    # until the test closes our stdin, or the lifetime bound
    deadline = time.time() + LIFETIME
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    while time.time() < deadline:
        time.sleep(1)
    os._exit(0)


if __name__ == "__main__":
    main()
