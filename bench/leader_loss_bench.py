#!/usr/bin/env python3
"""Writes across leader loss: SIGKILL the daemon of the etcd leader under a writer loop.

  bench/leader_loss_bench.py [BIN_DIR] [--kills N] [--writers-per-member N] [--tmp DIR]
                             [--json-file FILE] [--keep-logs DIR]

BIN_DIR holds easegress-server (default build/bin). Three primaries (the tutorial's flags, default
etcd timers, default cluster-request-timeout) on 127.0.0.1 with free ports. Each round: writer
threads create objects through the two members that are not the leader; the leader's daemon is
SIGKILLed (its etcd dies with it); the figures are
  - election: SIGKILL -> a surviving etcd reports a new leader (POST /v3/maintenance/status,
    polled every 10 ms);
  - resume: SIGKILL -> the first acknowledged write that was sent after the SIGKILL, per writer.
The killed member is started again before the next round. At the end every acknowledged object
is read back from every member: lost writes are counted. Prints figures only (exit code 0 whatever
they are); every process started here is ended on exit. See bench/README.md.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


def free_ports(n):
    sockets, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def http(method, url, body=None, timeout=15.0):
    """(status, body text); status 0 when no answer came."""
    data = None if body is None else body.encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (OSError, ValueError) as e:
        return 0, str(e)


class Member:
    def __init__(self, index, ports, tmp):
        self.name = f"machine-{index}"
        self.peer, self.client, self.api = ports
        self.home = os.path.join(tmp, self.name)
        self.process = None

    def peer_url(self):
        return f"http://127.0.0.1:{self.peer}"

    def client_url(self):
        return f"http://127.0.0.1:{self.client}"

    def api_url(self):
        return f"http://127.0.0.1:{self.api}/apis/v2"


class Cluster:
    def __init__(self, binary, tmp):
        self.binary = binary
        self.tmp = tmp
        self.members = [Member(i, free_ports(3), tmp) for i in (1, 2, 3)]
        self.initial = ",".join(f"{m.name}={m.peer_url()}" for m in self.members)

    def start(self, m):
        args = [self.binary, "--cluster-name", "multi-node-cluster", "--cluster-role", "primary",
                "--name", m.name, "--api-addr", f"127.0.0.1:{m.api}",
                "--initial-advertise-peer-urls", m.peer_url(), "--listen-peer-urls", m.peer_url(),
                "--listen-client-urls", m.client_url(), "--advertise-client-urls", m.client_url(),
                "--initial-cluster", self.initial, "--home-dir", m.home]
        log = open(os.path.join(self.tmp, m.name + ".out"), "ab")
        m.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp)

    def healthy(self, m):
        return http("GET", m.api_url() + "/healthz", timeout=2)[0] == 200

    def etcd_status(self, m):
        status, body = http("POST", m.client_url() + "/v3/maintenance/status", "{}", timeout=0.5)
        if status != 200:
            return None
        answer = json.loads(body)
        return int(answer.get("leader", 0)), int(answer["header"]["member_id"])

    def leader(self):
        for m in self.members:
            status = self.etcd_status(m)
            if status and status[0] != 0 and status[0] == status[1]:
                return m, status[0]
        return None, 0

    def stop_all(self):
        for m in self.members:
            if m.process and m.process.poll() is None:
                m.process.terminate()
        for m in self.members:
            if m.process:
                try:
                    m.process.wait(15)
                except subprocess.TimeoutExpired:
                    m.process.kill()
                    m.process.wait()
        # etcd dies with its daemon (parent-death signal); anything left naming our dir goes too.
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if self.tmp.encode() in f.read():
                        os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


def wait_until(condition, seconds, every=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


class Writer(threading.Thread):
    """Creates objects through one member, one at a time, recording each write."""

    def __init__(self, member, tag):
        super().__init__(daemon=True)
        self.member, self.tag = member, tag
        self.stop = threading.Event()
        self.writes = []  # (sent, answered, status, name)

    def run(self):
        n = 0
        while not self.stop.is_set():
            name = f"{self.tag}-{n}"
            n += 1
            spec = {"name": name, "kind": "Pipeline",
                    "filters": [{"name": "proxy", "kind": "Proxy"}], "flow": [{"filter": "proxy"}]}
            sent = time.monotonic()
            status, _ = http("POST", self.member.api_url() + "/objects", json.dumps(spec), 30)
            self.writes.append((sent, time.monotonic(), status, name))


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    parser = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1])
    parser.add_argument("bin_dir", nargs="?", default="build/bin")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--writers-per-member", type=int, default=1)
    parser.add_argument("--tmp", default="/tmp")
    parser.add_argument("--json-file")
    parser.add_argument("--keep-logs")
    options = parser.parse_args()
    binary = os.path.join(options.bin_dir, "easegress-server")
    if not os.access(binary, os.X_OK) or not shutil.which("etcd"):
        print(f"needs {binary} (build it first) and Debian's etcd on PATH", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="eg-leader-loss.", dir=options.tmp)
    shutil.copy(binary, os.path.join(tmp, "easegress-server"))
    cluster = Cluster(os.path.join(tmp, "easegress-server"), tmp)
    rounds, acknowledged, failed = [], [], 0
    try:
        for m in cluster.members:
            cluster.start(m)
        if not wait_until(lambda: all(cluster.healthy(m) for m in cluster.members), 90):
            print("the cluster did not form", file=sys.stderr)
            return 1
        for k in range(options.kills):
            if not wait_until(lambda: cluster.leader()[0] is not None and
                              all(cluster.healthy(m) for m in cluster.members), 60):
                print(f"round {k}: no stable cluster", file=sys.stderr)
                break
            time.sleep(2)  # quiet: every member connected to every other for a while
            old, old_id = cluster.leader()
            survivors = [m for m in cluster.members if m is not old]
            writers = [Writer(m, f"ll-{k}-{m.name}-{w}") for m in survivors
                       for w in range(options.writers_per_member)]
            for w in writers:
                w.start()
            time.sleep(1.0)
            killed = time.monotonic()
            old.process.send_signal(signal.SIGKILL)
            election = None
            deadline = killed + 30
            while election is None and time.monotonic() < deadline:
                for m in survivors:
                    status = cluster.etcd_status(m)
                    if status and status[0] not in (0, old_id):
                        election = time.monotonic() - killed
                        break
                time.sleep(0.01)

            def resumed(w):
                return any(s >= killed and st in (200, 201) for s, _, st, _ in w.writes)

            wait_until(lambda: all(resumed(w) for w in writers), 30)
            time.sleep(0.5)
            for w in writers:
                w.stop.set()
            for w in writers:
                w.join()
            old.process.wait()
            resume = []
            for w in writers:
                after = [a for s, a, st, _ in w.writes if s >= killed and st in (200, 201)]
                resume.append(min(after) - killed if after else None)
                acknowledged += [n for _, _, st, n in w.writes if st in (200, 201)]
                failed += sum(1 for _, _, st, _ in w.writes if st not in (200, 201))
            rounds.append({"killed": old.name, "election_s": election, "resume_s": resume,
                           "writes": sum(len(w.writes) for w in writers)})
            shown = ", ".join("-" if r is None else f"{r:.3f}" for r in resume)
            print(f"round {k + 1}: killed {old.name}; new etcd leader after "
                  f"{'-' if election is None else f'{election:.3f}'} s; writes resumed after "
                  f"{shown} s", flush=True)
            cluster.start(old)
        # Every acknowledged object, on every member.
        wait_until(lambda: all(cluster.healthy(m) for m in cluster.members), 60)
        lost = {}
        for m in cluster.members:
            status, body = http("GET", m.api_url() + "/objects", timeout=30)
            names = {o.get("name") for o in json.loads(body)} if status == 200 else set()
            lost[m.name] = sum(1 for n in acknowledged if n not in names)
    finally:
        cluster.stop_all()
        if options.keep_logs:
            os.makedirs(options.keep_logs, exist_ok=True)
            for m in cluster.members:
                log = os.path.join(tmp, m.name + ".out")
                if os.path.exists(log):
                    shutil.copy(log, options.keep_logs)
        shutil.rmtree(tmp, ignore_errors=True)

    elections = [r["election_s"] for r in rounds if r["election_s"] is not None]
    resumes = [x for r in rounds for x in r["resume_s"] if x is not None]
    # Per round, the slowest writer: when writes resumed through every surviving member.
    slowest = [max(x for x in r["resume_s"] if x is not None) for r in rounds
               if any(x is not None for x in r["resume_s"])]
    summary = {
        "kills": len(rounds),
        "election_median_s": median(elections),
        "resume_median_s": median(resumes),
        "resume_slowest_writer_median_s": median(slowest),
        "resume_max_s": max(resumes) if resumes else None,
        "acknowledged_writes": len(acknowledged),
        "failed_writes": failed,
        "lost_acknowledged_writes": lost,
        "rounds": rounds,
    }
    print(f"\n{len(rounds)} kills: etcd re-election median {summary['election_median_s']:.3f} s; "
          f"writes resumed median {summary['resume_median_s']:.3f} s "
          f"(slowest writer per kill: median {summary['resume_slowest_writer_median_s']:.3f} s, "
          f"max {summary['resume_max_s'] or float('nan'):.3f} s); target <= 2 s")
    print(f"{len(acknowledged)} writes acknowledged, {failed} answered with an error; "
          f"acknowledged but missing afterwards: {lost}")
    if options.json_file:
        with open(options.json_file, "w") as f:
            json.dump(summary, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
