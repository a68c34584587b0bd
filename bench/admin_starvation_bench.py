#!/usr/bin/env python3
"""Admin API under hostile load: /healthz latency while idle, slow-header and wrk clients hit
one member, and wrk's throughput on GET /apis/v2/healthz.

Starts a lone primary (easegress-server and etcd on 127.0.0.1, free ports, a temporary home),
then for each scenario measures PROBES fresh-connection GET /apis/v2/healthz requests, one every
PROBE_GAP seconds, each given PROBE_TIMEOUT seconds:

  quiet     nothing else
  idle      IDLE connections that send nothing (re-opened whenever the server closes one)
  slow      SLOW connections that send one header byte every 10 s (re-opened when closed)
  wrk       wrk -c WRK_CONNECTIONS on /apis/v2/healthz
  all       the three at once

and wrk's requests/s on /apis/v2/healthz alone (-c 50) and in the wrk scenario.

  bench/admin_starvation_bench.py --server build/bin/easegress-server [--probes 20]

Needs etcd (etcd-server) and wrk (Debian packages). Prints one line per scenario.
"""

import argparse
import os
import resource
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class member:
    """A lone primary with its own etcd, stopped by stop()."""

    def __init__(self, server):
        self.home = tempfile.mkdtemp(prefix="eg-starvation-")
        peer, client, api = free_port(), free_port(), free_port()
        self.port = api
        peer_url = f"http://127.0.0.1:{peer}"
        client_url = f"http://127.0.0.1:{client}"
        args = [server, "--cluster-name", "bench-cluster", "--cluster-role", "primary",
                "--name", "machine-1", "--api-addr", f"127.0.0.1:{api}",
                "--initial-advertise-peer-urls", peer_url, "--listen-peer-urls", peer_url,
                "--listen-client-urls", client_url, "--advertise-client-urls", client_url,
                "--initial-cluster", f"machine-1={peer_url}", "--home-dir", self.home]
        self.log = open(os.path.join(self.home, "member.out"), "w")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                        cwd=self.home)
        deadline = time.time() + 60
        while time.time() < deadline:
            if probe(self.port, 2)[0] == 200:
                return
            time.sleep(0.3)
        self.stop()
        raise SystemExit("the member did not become healthy within 60 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


def probe(port, timeout):
    """(status, seconds) of GET /apis/v2/healthz on a new connection; status 0: closed without
    an answer, -1: no answer within timeout."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(max(0.001, timeout - (time.monotonic() - started)))
            s.sendall(b"GET /apis/v2/healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            answer = b""
            while b"\r\n" not in answer:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
            status = int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/1.") else 0
    except socket.timeout:
        status = -1
    except (OSError, ValueError, IndexError):
        status = 0
    return status, time.monotonic() - started


class hostile_clients:
    """`count` connections kept open (re-opened when closed); slow: one header byte every 10 s."""

    def __init__(self, port, count, slow):
        self.port, self.count, self.slow = port, count, slow
        self.stopping = False
        self.reopened = 0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def open_one(self, selector):
        try:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", self.port))
            selector.register(s, selectors.EVENT_READ)
            return s
        except OSError:
            return None

    def run(self):
        selector = selectors.DefaultSelector()
        sockets = [self.open_one(selector) for _ in range(self.count)]
        sent_at = time.monotonic()
        first = True
        while not self.stopping:
            for key, _ in selector.select(0.5):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:  # closed by the server (or refused): open another
                    selector.unregister(s)
                    s.close()
                    sockets[sockets.index(s)] = self.open_one(selector)
                    self.reopened += 1
            if self.slow and (first or time.monotonic() - sent_at >= 10):
                first = False
                sent_at = time.monotonic()
                for s in sockets:
                    if s is None:
                        continue
                    try:
                        s.send(b"G")
                    except OSError:
                        pass
        for s in sockets:
            if s is not None:
                s.close()

    def stop(self):
        self.stopping = True
        self.thread.join()


def run_wrk(port, connections, seconds):
    return subprocess.Popen(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
         f"http://127.0.0.1:{port}/apis/v2/healthz"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_rate(output):
    for line in output.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    return 0.0


def measure(port, args):
    results = []
    for _ in range(args.probes):
        results.append(probe(port, args.probe_timeout))
        time.sleep(args.probe_gap)
    answered = [t for status, t in results if status == 200]
    timed_out = sum(1 for status, _ in results if status == -1)
    closed = sum(1 for status, _ in results if status == 0)
    other = len(results) - len(answered) - timed_out - closed
    times = [t for _, t in results]
    line = (f"p50 {statistics.median(times) * 1000:8.1f} ms  max {max(times) * 1000:8.1f} ms  "
            f"200 for {len(answered)}/{len(results)}")
    if timed_out:
        line += f", {timed_out} no answer within {args.probe_timeout:g} s"
    if closed:
        line += f", {closed} closed without an answer"
    if other:
        line += f", {other} another status"
    return line


def scenario(name, port, args, idle=0, slow=0, wrk=0):
    crowd = []
    if idle:
        crowd.append(hostile_clients(port, idle, False))
    if slow:
        crowd.append(hostile_clients(port, slow, True))
    load = None
    if wrk:
        load = run_wrk(port, wrk, int(args.probes * (args.probe_gap + 2) + 30))
    time.sleep(args.settle)
    line = measure(port, args)
    extra = ""
    if load is not None:
        load.send_signal(signal.SIGINT)  # wrk prints its summary when interrupted
        output = load.communicate()[0]
        extra = f"  wrk {wrk_rate(output):9.0f} req/s"
    for c in crowd:
        c.stop()
        extra += f"  reopened {c.reopened}"
    print(f"{name:6} {line}{extra}", flush=True)
    time.sleep(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True, help="easegress-server to measure")
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--probe-gap", type=float, default=0.5)
    parser.add_argument("--probe-timeout", type=float, default=30)
    parser.add_argument("--settle", type=float, default=3, help="seconds of load before probing")
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--slow", type=int, default=300)
    parser.add_argument("--wrk", type=int, default=500)
    parser.add_argument("--scenarios", default="quiet,throughput,idle,slow,wrk,all")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    m = member(os.path.abspath(args.server))
    try:
        for name in args.scenarios.split(","):
            if name == "quiet":
                scenario("quiet", m.port, args)
            elif name == "throughput":
                load = run_wrk(m.port, 50, 10)
                output = load.communicate()[0]
                print(f"wrk -c 50 -d 10s alone: {wrk_rate(output):.0f} req/s", flush=True)
            elif name == "idle":
                scenario("idle", m.port, args, idle=args.idle)
            elif name == "slow":
                scenario("slow", m.port, args, slow=args.slow)
            elif name == "wrk":
                scenario("wrk", m.port, args, wrk=args.wrk)
            elif name == "all":
                scenario("all", m.port, args, idle=args.idle, slow=args.slow, wrk=args.wrk)
    finally:
        m.stop()


if __name__ == "__main__":
    main()
