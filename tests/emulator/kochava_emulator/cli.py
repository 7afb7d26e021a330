"""Command line: ``kochava-emulator serve|run`` (or ``python -m kochava_emulator serve|run``).

``serve`` serves until SIGINT/SIGTERM. On stdout, at once: line 1 the base URL
(as before, for scripts reading one line), then two lines for the shell::

    http://127.0.0.1:PORT
    export KOCHAVA_API_URL=http://127.0.0.1:PORT
    export KOCHAVA_API_KEY=demo-key-0000

The key is the seed's ``demo_key``; a seed without one (or no seed) gets
:data:`~kochava_emulator.seed.DEFAULT_KEY`, allowed on every app, so there is
always a key that works.

``run [options] -- CMD ARGS...`` starts the emulator on a free port, runs CMD
with ``KOCHAVA_API_URL`` set to the emulator's URL and ``KOCHAVA_API_KEY`` set
to the seed's ``demo_key`` (or the default key), stops the emulator and
exits with CMD's exit status (128+N if CMD died of signal N, 127 if CMD
could not be started).

``--seed`` takes a JSON seed file or the name of a seed shipped in the
package: ``demo`` (see :data:`kochava_emulator.seed.DEMO_SEED`). ``--app ID``
(repeatable) serves more apps with the templates of the seed's first app;
``--rate RPS`` and ``--burst N`` turn on the shared rate limit (429 with
``Retry-After`` when the bucket is empty).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence

from . import __version__
from .seed import DEFAULT_KEY, PACKAGED_SEEDS, load_seed, seed_path
from .server import DUPLICATE_STATUSES, PROFILE_NAMES, Emulator

#: The name of the console command installed by the ``kochava-emulator`` distribution.
PROG = "kochava-emulator"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _positive_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of requests per second, got {text!r}")
    return value


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed",
        metavar="FILE|NAME",
        help=f"JSON seed file (see README.md), or a seed shipped in the package: {', '.join(sorted(PACKAGED_SEEDS))}",
    )
    parser.add_argument("--page-size", type=_positive_int, metavar="N", help="items per page on list endpoints (default: seed's, else 50)")
    parser.add_argument(
        "--duplicate-status", type=int, choices=DUPLICATE_STATUSES, help="status of a duplicate POST: 400 (current API, default) or 409 (announced)"
    )
    parser.add_argument("--numbers-as-strings", action="store_true", default=None, help="answer ids and required flags as strings")
    parser.add_argument(
        "--profile", choices=PROFILE_NAMES, help="reading of the points the API document is silent on: harsh (default: seed's, else harsh) or lenient"
    )
    parser.add_argument(
        "--app",
        dest="apps",
        action="append",
        type=_positive_int,
        default=[],
        metavar="ID",
        help="serve this app too, with the templates of the seed's first app (repeatable)",
    )
    parser.add_argument(
        "--rate", type=_positive_rate, metavar="RPS", help="limit all API requests together to RPS a second (429 + Retry-After beyond); default: no limit"
    )
    parser.add_argument("--burst", type=_positive_int, metavar="N", help="token bucket size for --rate (default: max(1, int(RPS)))")


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The argument parser of ``kochava-emulator`` (``prog`` names it in usage and errors)."""
    parser = argparse.ArgumentParser(prog=prog, description="Kochava Publisher API postback emulator")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve until SIGINT/SIGTERM; prints the URL on line 1, then export lines")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port (default 8765)")
    serve.add_argument("--quiet", action="store_true", help="no access lines on stderr")
    _add_common(serve)

    run = commands.add_parser("run", help="run a command against a fresh emulator")
    _add_common(run)
    run.add_argument("--log-file", metavar="FILE", help="write the request log (JSON) there when the command ends")
    run.add_argument("--verbose", action="store_true", help="access lines on stderr")
    run.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    return parser


def _access_line(entry: dict) -> None:
    status = "dropped" if entry["dropped"] else entry["status"]
    fault = f" [fault: {entry['fault']}]" if entry["fault"] else ""
    print(f"{entry['method']} {entry['path']} -> {status}{fault}", file=sys.stderr, flush=True)


def _emulator(args: argparse.Namespace, **kwargs) -> Emulator:
    return Emulator(
        seed=args.seed,
        page_size=args.page_size,
        duplicate_status=args.duplicate_status,
        numbers_as_strings=args.numbers_as_strings,
        profile=args.profile,
        apps=args.apps,
        rate=args.rate,
        burst=args.burst,
        **kwargs,
    )


def serve(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM."""
    emulator = _emulator(args, host=args.host, port=args.port, access_log=None if args.quiet else _access_line)
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    url = emulator.start()
    print(export_lines(url, emulator.demo_key), flush=True)
    try:
        while not done.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


def export_lines(url: str, key: str) -> str:
    """What ``serve`` prints: the URL (line 1), then the two ``export`` lines (shell-quoted)."""
    return f"{url}\nexport KOCHAVA_API_URL={shlex.quote(url)}\nexport KOCHAVA_API_KEY={shlex.quote(key)}"


def run(args: argparse.Namespace) -> int:
    """Run ``args.cmd`` against a fresh emulator; return its exit status."""
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        print("run: give a command after --", file=sys.stderr)
        return 2
    emulator = _emulator(args, access_log=_access_line if args.verbose else None)
    env = dict(os.environ)
    env["KOCHAVA_API_URL"] = emulator.start()
    env["KOCHAVA_API_KEY"] = emulator.demo_key
    try:
        try:
            child = subprocess.Popen(cmd, env=env)
        except OSError as exc:
            print(f"run: cannot start {cmd[0]}: {exc}", file=sys.stderr)
            return 127

        def forward(signum: int, _frame: object) -> None:
            if child.poll() is None:
                child.send_signal(signum)

        previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            status = child.wait()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    finally:
        emulator.stop()
        if args.log_file:
            with open(args.log_file, "w", encoding="utf-8") as handle:
                json.dump(emulator.log, handle, indent=2)
    return 128 - status if status < 0 else status


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Entry point of the ``kochava-emulator`` command; returns the process exit status."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.seed is not None:
        try:
            args.seed = load_seed(seed_path(args.seed))
        except (OSError, ValueError) as exc:
            parser.error(f"--seed {args.seed}: {exc}")
    if args.burst is not None and args.rate is None:
        parser.error("--burst needs --rate")
    args.seed = dict(args.seed or {})
    args.seed.setdefault("demo_key", DEFAULT_KEY)  # always a key to print or pass on
    if args.command == "serve":
        return serve(args)
    return run(args)
