#!/usr/bin/env python3
# compare-peers.py — `windsock url` side by side with the AWS CLI and boto3
#
# Each peer runs as a whole process, as a person or a script would run it,
# against one local TLS fake of MWAA (ws-bench-server): windsock url cold
# (no session bus, so no service) and warm (the service running, the
# one-shot process only forwarding over D-Bus), `aws mwaa
# create-web-login-token`, the boto3 script of the MWAA user guide, and
# curl --aws-sigv4 for scale. One warm-up run each, then RUNS runs
# interleaved round-robin so that machine noise hits every row alike; wall
# time per run, medians and ratios; then RSS_RUNS more runs each under
# ws-peak-rss for the processes' peak RSS (kept out of the timed runs).
#
# botocore prefixes the MWAA host (env., api.) even to an IP endpoint, so
# the whole comparison runs in a user + mount (+ network) namespace with a
# private /etc/hosts that maps mwaa.bench.test and its prefixed names to
# 127.0.0.1. With --rtt-ms, every connection pays that round-trip time:
# through netem on the namespace's loopback where the kernel has it, else
# through ws-delay-proxy.
#
# Exit status: 0, 1 when something is broken (a peer failed or printed no
# login address from the fake), 77 (skipped) when a peer or the namespace
# is missing. Slow figures never fail: goals are printed as met or not.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import fcntl
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
IN_NAMESPACE = "WS_PEERS_NAMESPACE"
HOST = "mwaa.bench.test"
HOSTS_LINE = f"127.0.0.1 {HOST} env.{HOST} api.{HOST}\n"
REGION = "eu-west-1"
ENVIRONMENT = "bench"
# Fake keys of the fake's own: nothing here is a real secret.
ACCESS_KEY_ID = "AKIDBENCHPEERS000001"
SECRET_ACCESS_KEY = "bench-peers-secret-access-key"
SERVICE_NAME = "io.github.windsock.Windsock"
# The fake's answer for ENVIRONMENT (see tests/ws-fake-aws.h).
URL_PATTERN = re.compile(
    r"^https://" + re.escape(ENVIRONMENT) + r"\.airflow\.example\.test/aws_mwaa/aws-console-sso"
    r"\?login=true#token-" + re.escape(ENVIRONMENT) + r"-[0-9]+$")
# The AWS CLI prints the address too, as the other peers do.
AWS_QUERY = ("join('', ['https://', WebServerHostname, "
             "'/aws_mwaa/aws-console-sso?login=true#', WebToken])")

COLD, CACHED, WARM = "windsock-cold", "windsock-cold-cached", "windsock-warm"
AWS, BOTO3, CURL = "aws-cli", "boto3", "curl"
LABELS = {
    COLD: "windsock url (cold: no service)",
    CACHED: "windsock url (cold, the catalog cache knows the environment)",
    WARM: "windsock url (warm: service running)",
    AWS: "aws mwaa create-web-login-token",
    BOTO3: "boto3 script (MWAA user guide)",
    CURL: "curl --aws-sigv4 (for scale)",
}
GOALS = [(COLD, AWS, 8.0), (CACHED, AWS, 8.0), (WARM, AWS, 30.0)]
RSS_RUNS = 3


class Broken(Exception):
    """Something the benchmark relies on did not work: exit 1."""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rtt-ms", type=int, default=0)
    parser.add_argument("--windsock", required=True)
    parser.add_argument("--server", required=True, help="ws-bench-server")
    parser.add_argument("--proxy", required=True, help="ws-delay-proxy")
    parser.add_argument("--peak-rss", required=True, help="ws-peak-rss")
    parser.add_argument("--schema-dir", required=True, help="the build's data/ (gschemas.compiled)")
    parser.add_argument("--results-dir", default=os.environ.get("WINDSOCK_BENCH_RESULTS_DIR"))
    parser.add_argument("--aws", default=None, help="the AWS CLI (default: Debian's /usr/bin/aws)")
    parser.add_argument("--python", default=None,
                        help="the Python that runs the boto3 script (default: Debian's /usr/bin/python3)")
    args = parser.parse_args()
    if args.runs < 3 or args.rtt_ms < 0:
        parser.error("--runs must be at least 3 and --rtt-ms not negative")
    for name in ("windsock", "server", "proxy", "peak_rss", "schema_dir"):
        setattr(args, name, os.path.abspath(getattr(args, name)))
    return args


def prefer_system(path, name):
    """Debian's package is the peer measured: a pyenv or pip copy earlier in
    PATH would be another program."""
    if path:
        return path
    system = os.path.join("/usr/bin", name)
    return system if os.access(system, os.X_OK) else shutil.which(name)


# --- Namespace ----------------------------------------------------------------


def reexec_in_namespace():
    unshare = shutil.which("unshare")
    if unshare is None:
        print("unshare (util-linux) is missing: the benchmark needs it for its private /etc/hosts")
        sys.exit(SKIP)
    for flags, kind in ((["-r", "-m", "-n"], "net"), (["-r", "-m"], "host")):
        if subprocess.run([unshare, *flags, "true"], stderr=subprocess.DEVNULL).returncode == 0:
            env = dict(os.environ, **{IN_NAMESPACE: kind})
            os.execve(unshare, [unshare, *flags, sys.executable, os.path.abspath(__file__), *sys.argv[1:]], env)
    print("unprivileged user namespaces are not available (unshare -r -m failed): "
          "the benchmark needs one for its private /etc/hosts")
    sys.exit(SKIP)


def bring_loopback_up():
    """The namespace's loopback, up, with a second address: glibc's
    AI_ADDRCONFIG (GIO's resolver uses it) finds no IPv4 at all while
    127.0.0.1 is the only address, and the names would not resolve."""
    SIOCGIFFLAGS, SIOCSIFFLAGS, SIOCSIFADDR, IFF_UP = 0x8913, 0x8914, 0x8916, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))
        fcntl.ioctl(sock, SIOCSIFADDR, struct.pack("16sH2s4s8s", b"lo:1", socket.AF_INET, bytes(2),
                                                   socket.inet_aton("127.0.0.2"), bytes(8)))


def private_hosts(workdir):
    hosts = os.path.join(workdir, "hosts")
    with open(hosts, "w") as f:
        f.write("127.0.0.1 localhost\n" + HOSTS_LINE)
    subprocess.run(["mount", "--bind", hosts, "/etc/hosts"], check=True)
    for name in (HOST, "env." + HOST, "api." + HOST):
        if socket.gethostbyname(name) != "127.0.0.1":
            raise Broken(f"{name} does not resolve to 127.0.0.1 through the private /etc/hosts")


# --- Fixture ------------------------------------------------------------------


def make_certificate(workdir):
    openssl = shutil.which("openssl")
    if openssl is None:
        print("openssl is missing: the benchmark needs it for the fake's certificate")
        sys.exit(SKIP)
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=" + HOST,
                    "-addext", f"subjectAltName=DNS:{HOST},DNS:*.{HOST}",
                    "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def make_home(workdir):
    home = os.path.join(workdir, "home")
    os.makedirs(os.path.join(home, ".aws"), mode=0o700)
    with open(os.path.join(home, ".aws", "credentials"), "w") as f:
        f.write(f"[default]\naws_access_key_id = {ACCESS_KEY_ID}\n"
                f"aws_secret_access_key = {SECRET_ACCESS_KEY}\n")
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write(f"[default]\nregion = {REGION}\n")
    # curl reads its key from here rather than from its command line.
    with open(os.path.join(workdir, "netrc"), "w") as f:
        f.write(f"machine env.{HOST} login {ACCESS_KEY_ID} password {SECRET_ACCESS_KEY}\n")
    runtime = os.path.join(workdir, "runtime")
    os.makedirs(runtime, mode=0o700)
    return home, runtime


class Server:
    """ws-bench-server: its port, and its request and connection counts."""

    def __init__(self, path, cert, key):
        self.process = subprocess.Popen(
            [path, "--cert", cert, "--key", key, "--access-key-id", ACCESS_KEY_ID,
             "--secret-access-key", SECRET_ACCESS_KEY, "--region", REGION, "--environment", ENVIRONMENT],
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            raise Broken("ws-bench-server did not start")
        self.port = int(line)

    def counts(self):
        self.process.send_signal(signal.SIGUSR1)
        match = re.fullmatch(r"requests (\d+) connections (\d+)\n", self.process.stdout.readline())
        if match is None:
            raise Broken("ws-bench-server did not report its counts")
        return int(match.group(1)), int(match.group(2))

    def stop(self):
        self.process.terminate()
        if self.process.wait(timeout=30) != 0:
            raise Broken(f"ws-bench-server exited with {self.process.returncode}")


def add_delay(args, server_port, stack):
    """Returns (port the clients use, how the delay is made)."""
    if args.rtt_ms == 0:
        return server_port, "none"
    tc = shutil.which("tc")
    if os.environ[IN_NAMESPACE] == "net" and tc is not None:
        # Both directions cross lo's queue: half the round trip each.
        netem = subprocess.run([tc, "qdisc", "add", "dev", "lo", "root", "netem", "delay",
                                f"{args.rtt_ms / 2}ms"], stderr=subprocess.DEVNULL)
        if netem.returncode == 0:
            return server_port, f"tc netem ({args.rtt_ms / 2} ms each way on the namespace's loopback)"
    proxy = subprocess.Popen([args.proxy, "--rtt-ms", str(args.rtt_ms), "--target-port", str(server_port)],
                             stdout=subprocess.PIPE, text=True)
    stack.append(proxy)
    line = proxy.stdout.readline()
    if not line.strip().isdigit():
        raise Broken("ws-delay-proxy did not start")
    return int(line), ("ws-delay-proxy (netem is not available here): RTT/2 each way, "
                       "one RTT more for a connection's first bytes")


# --- The warm service ---------------------------------------------------------


def name_has_owner(env):
    reply = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                            "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                            f"string:{SERVICE_NAME}"], env=env, capture_output=True, text=True)
    return "boolean true" in reply.stdout


def start_service(args, env, stack):
    """A private session bus and the service on it; returns (env with the
    bus, the service's process), or (None, why not)."""
    if shutil.which("dbus-daemon") is None or shutil.which("dbus-send") is None:
        return None, "dbus-daemon or dbus-send is missing (package dbus)"
    # Its stderr: it cannot raise its fd limit in the namespace, and says so.
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    stack.append(bus)
    address = bus.stdout.readline().strip()
    if not address:
        raise Broken("dbus-daemon did not start")
    warm_env = dict(env, DBUS_SESSION_BUS_ADDRESS=address)
    with open(os.path.join(env["HOME"], "service.log"), "w") as log:
        service = subprocess.Popen([args.windsock], env=warm_env, stdout=subprocess.DEVNULL, stderr=log)
    stack.append(service)
    deadline = time.monotonic() + 30
    while not name_has_owner(warm_env):
        if service.poll() is not None:
            raise Broken(f"the windsock service exited with {service.returncode} before owning its name")
        if time.monotonic() > deadline:
            raise Broken("the windsock service did not own its name within 30 s")
        time.sleep(0.05)
    return warm_env, service


def peak_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


# --- Measuring ----------------------------------------------------------------


def run_once(row, server, rss_file=None):
    """Wall time (ns), requests and connections of one run; under
    ws-peak-rss when @rss_file is given."""
    argv = row["argv"] if rss_file is None else [row["peak_rss"], rss_file, *row["argv"]]
    requests_before, connections_before = server.counts()
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter_ns()
        result = subprocess.run(argv, env=row["env"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=stderr)
        elapsed = time.perf_counter_ns() - start
        stderr.seek(0)
        errors = stderr.read().decode(errors="replace")
    requests_after, connections_after = server.counts()
    if result.returncode != 0 or not row["check"](result.stdout.decode(errors="replace").strip()):
        # The output holds a login address: never print it.
        raise Broken(f"{LABELS[row['name']]} failed (exit status {result.returncode}); "
                     f"its stderr:\n{errors.strip()}")
    return elapsed, requests_after - requests_before, connections_after - connections_before


def peak_rss_run(row, server, workdir):
    rss_file = os.path.join(workdir, "peak-rss")
    run_once(row, server, rss_file)
    with open(rss_file) as f:
        return int(f.read())


def is_login_url(text):
    return URL_PATTERN.match(text) is not None


def is_token_json(text):
    try:
        answer = json.loads(text)
    except ValueError:
        return False
    return isinstance(answer, dict) and str(answer.get("WebToken", "")).startswith(f"token-{ENVIRONMENT}-")


def summarize(row):
    times = sorted(t / 1e6 for t in row["times"])
    deciles = statistics.quantiles(times, n=10, method="inclusive")
    return {
        "name": row["name"],
        "label": LABELS[row["name"]],
        "command": row["shown"],
        "runs": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p10_ms": round(deciles[0], 2),
        "p90_ms": round(deciles[-1], 2),
        "min_ms": round(times[0], 2),
        "max_ms": round(times[-1], 2),
        "peak_rss_kib": int(statistics.median(row["rss"])),
        "requests_per_run": statistics.median(row["requests"]),
        "new_connections_per_run": statistics.median(row["connections"]),
        "runs_without_new_connection": sum(1 for c in row["connections"] if c == 0),
    }


def version_of(argv):
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return (result.stdout or result.stderr).strip().splitlines()[0] if result.returncode == 0 else None


def catalog_cache_env(env, home):
    """A cache as the service's discovery leaves it: the one-shot process
    then knows the Airflow version and sends no GetEnvironment."""
    cache_home = os.path.join(home, ".cache-cached")
    os.makedirs(os.path.join(cache_home, "windsock"), mode=0o700)
    with open(os.path.join(cache_home, "windsock", "catalog.json"), "w") as f:
        json.dump({"version": 1, "updated": 1, "profiles": [{"name": "default"}],
                   "environments": [{"profile": "default", "region": REGION, "name": ENVIRONMENT,
                                     "status": "AVAILABLE", "airflow_version": "2.10.3"}]}, f)
    return dict(env, XDG_CACHE_HOME=cache_home)


def build_rows(args, env, warm_env, endpoint, workdir, cert):
    rows = []
    windsock = [args.windsock, "url", ENVIRONMENT]
    rows.append({"name": COLD, "argv": windsock, "env": env, "check": is_login_url,
                 "shown": f"windsock url {ENVIRONMENT}"})
    rows.append({"name": CACHED, "argv": windsock, "env": catalog_cache_env(env, env["HOME"]),
                 "check": is_login_url, "shown": f"windsock url {ENVIRONMENT}"})
    if warm_env is not None:
        rows.append({"name": WARM, "argv": windsock, "env": warm_env, "check": is_login_url,
                     "shown": f"windsock url {ENVIRONMENT}"})
    aws = prefer_system(args.aws, "aws")
    if aws is not None:
        # Debian 12's AWS CLI predates AWS_ENDPOINT_URL.
        rows.append({"name": AWS, "env": env, "check": is_login_url,
                     "argv": [aws, "mwaa", "create-web-login-token", "--name", ENVIRONMENT,
                              "--endpoint-url", endpoint, "--query", AWS_QUERY, "--output", "text"],
                     "shown": f"aws mwaa create-web-login-token --name {ENVIRONMENT} --query … --output text"})
    python = prefer_system(args.python, "python3")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mwaa-login-url.py")
    has_boto3 = python is not None and subprocess.run(
        [python, "-c", "import boto3"], stderr=subprocess.DEVNULL).returncode == 0
    if has_boto3:
        rows.append({"name": BOTO3, "argv": [python, script, ENVIRONMENT], "env": env, "check": is_login_url,
                     "shown": f"python3 mwaa-login-url.py {ENVIRONMENT}"})
    curl = shutil.which("curl")
    if curl is not None:
        rows.append({"name": CURL, "env": env, "check": is_token_json,
                     "argv": [curl, "-sS", "--fail", "--cacert", cert, "--netrc-file", os.path.join(workdir, "netrc"),
                              "--aws-sigv4", f"aws:amz:{REGION}:airflow", "-X", "POST",
                              f"https://env.{endpoint.split('://', 1)[1]}/webtoken/{ENVIRONMENT}"],
                     "shown": f"curl --aws-sigv4 aws:amz:{REGION}:airflow -X POST …/webtoken/{ENVIRONMENT}"})
    for row in rows:
        row.update(times=[], rss=[], requests=[], connections=[], peak_rss=args.peak_rss)
    versions = {
        "windsock": version_of([args.windsock, "--version"]),
        "aws": version_of([aws, "--version"]) if aws else None,
        "boto3": version_of([python, "-c", "import boto3, botocore, sys; "
                             "print(f'boto3 {boto3.__version__} botocore {botocore.__version__} "
                             "Python {sys.version.split()[0]}')"]) if has_boto3 else None,
        "curl": version_of([curl, "--version"]) if curl else None,
    }
    return rows, aws is not None, has_boto3, versions


def print_report(args, results, ratios, goals, delay, versions, service_rss):
    print(f"Side by side, each as a whole process: {args.runs} runs per row after one warm-up, "
          f"interleaved round-robin; wall time from spawn to exit; peak RSS: median of "
          f"{RSS_RUNS} more runs under ws-peak-rss.")
    print(f"Fake MWAA over TLS on loopback (ws-bench-server); round-trip delay: "
          f"{args.rtt_ms} ms ({delay}).")
    for name, version in versions.items():
        print(f"  {name}: {version or 'not installed'}")
    print()
    for r in results:
        print(f"{r['label']}: median {r['median_ms']:.1f} ms (p10 {r['p10_ms']:.1f}, p90 {r['p90_ms']:.1f}, "
              f"min {r['min_ms']:.1f}), peak RSS {r['peak_rss_kib'] / 1024:.1f} MiB, "
              f"{r['requests_per_run']:g} requests and {r['new_connections_per_run']:g} new connections per run")
    if service_rss is not None:
        print(f"windsock service (warm rows' server side): peak RSS {service_rss / 1024:.1f} MiB")
    warm = next((r for r in results if r["name"] == WARM), None)
    if warm is not None:
        print(f"windsock url warm: {warm['runs_without_new_connection']} of {warm['runs']} runs opened "
              f"no new connection to the fake (served by the service over D-Bus)")
    print()
    for key, value in ratios.items():
        print(f"ratio {key}: {value:.1f}×")
    for goal in goals:
        verdict = "goal met" if goal["met"] else "goal NOT met"
        print(f"goal: {LABELS[goal['windsock']]} at least {goal['factor']:g}× faster than the AWS CLI: "
              f"{goal['ratio']:.1f}× — {verdict}")
    print()
    print(f"| Command ({args.rtt_ms} ms RTT) | Median | p10 | p90 | Peak RSS | ÷ windsock cold | ÷ windsock warm |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    medians = {r["name"]: r["median_ms"] for r in results}
    for r in results:
        vs = [f"{r['median_ms'] / medians[base]:.1f}×" if base in medians else "—" for base in (COLD, WARM)]
        print(f"| `{r['command']}` ({r['name']}) | {r['median_ms']:.1f} ms | {r['p10_ms']:.1f} ms | "
              f"{r['p90_ms']:.1f} ms | {r['peak_rss_kib'] / 1024:.1f} MiB | {vs[0]} | {vs[1]} |")


def measure(args, workdir, stack):
    cert, key = make_certificate(workdir)
    private_hosts(workdir)
    if os.environ[IN_NAMESPACE] == "net":
        bring_loopback_up()
    server = Server(args.server, cert, key)
    stack.append(server)
    port, delay = add_delay(args, server.port, stack)
    endpoint = f"https://{HOST}:{port}"
    home, runtime = make_home(workdir)

    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AWS_", "DBUS_", "XDG_", "G_", "GSETTINGS_", "GIO_", "BOTO_", IN_NAMESPACE))}
    # Cold: no session bus, and none GIO could find.
    env.update(HOME=home, XDG_RUNTIME_DIR=runtime, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"), XDG_DATA_HOME=os.path.join(home, ".local/share"),
               AWS_CA_BUNDLE=cert, AWS_ENDPOINT_URL=endpoint,
               GSETTINGS_BACKEND="memory", GSETTINGS_SCHEMA_DIR=args.schema_dir)
    # The service's discovery writes a catalog cache: not where the cold row looks.
    warm_env, service = start_service(args, dict(env, XDG_CACHE_HOME=os.path.join(home, ".cache-service")), stack)
    if warm_env is None:
        print(f"windsock url warm not measured: {service}")

    rows, has_aws, has_boto3, versions = build_rows(args, env, warm_env, endpoint, workdir, cert)
    for row in rows:
        run_once(row, server)
    for _ in range(args.runs):
        for row in rows:
            elapsed, requests, connections = run_once(row, server)
            row["times"].append(elapsed)
            row["requests"].append(requests)
            row["connections"].append(connections)
    for _ in range(RSS_RUNS):
        for row in rows:
            row["rss"].append(peak_rss_run(row, server, workdir))

    service_rss = peak_rss_kib(service.pid) if warm_env is not None else None
    results = [summarize(row) for row in rows]
    medians = {r["name"]: r["median_ms"] for r in results}
    ratios, goals = {}, []
    for base in (COLD, CACHED, WARM):
        for peer in (AWS, BOTO3, CURL):
            if base in medians and peer in medians:
                ratios[f"{peer} / {base}"] = round(medians[peer] / medians[base], 2)
    for base, peer, factor in GOALS:
        if base in medians and peer in medians:
            ratio = medians[peer] / medians[base]
            goals.append({"windsock": base, "peer": peer, "factor": factor,
                          "ratio": round(ratio, 2), "met": ratio >= factor})
    print_report(args, results, ratios, goals, delay, versions, service_rss)

    if args.results_dir:
        os.makedirs(args.results_dir, exist_ok=True)
        name = "peers" if args.rtt_ms == 0 else f"peers-rtt{args.rtt_ms}"
        with open(os.path.join(args.results_dir, name + ".json"), "w") as f:
            json.dump({"benchmark": name, "runs": args.runs, "rtt_ms": args.rtt_ms, "delay": delay,
                       "machine": platform.machine(), "kernel": platform.release(),
                       "versions": versions, "rows": results, "ratios": ratios, "goals": goals,
                       "service_peak_rss_kib": service_rss}, f, indent=2)
            f.write("\n")
        print(f"\nwritten: {os.path.join(args.results_dir, name + '.json')}")

    missing = [name for name, found in (("aws", has_aws), ("boto3", has_boto3)) if not found]
    if missing:
        print(f"{' and '.join(missing)} not installed — run tests/bench/run-benchmarks.sh, which installs it")
        return SKIP
    return 0


def stop_all(stack):
    """Last started, first stopped; the server's own exit is checked."""
    failure = None
    for item in reversed(stack):
        if isinstance(item, Server):
            try:
                item.stop()
            except (Broken, subprocess.TimeoutExpired) as error:
                failure = failure or error
        elif item.poll() is None:
            item.terminate()
            try:
                item.wait(timeout=30)
            except subprocess.TimeoutExpired:
                item.kill()
                item.wait()
    return failure


def main():
    args = parse_args()
    if IN_NAMESPACE not in os.environ:
        reexec_in_namespace()
    stack = []
    status = 1
    with tempfile.TemporaryDirectory(prefix="windsock-peers-") as workdir:
        try:
            status = measure(args, workdir, stack)
        except (Broken, subprocess.CalledProcessError) as error:
            print(f"broken: {error}", file=sys.stderr)
            status = 1
        finally:
            failure = stop_all(stack)
        if failure is not None:
            print(f"broken: {failure}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
