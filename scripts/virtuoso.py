"""Virtuoso Open Source (what the CORDIS endpoint runs) as a second remote backend, on loopback.

Debian's ``virtuoso-opensource`` package starts a system-wide server on port 8890 with a DBA
password asked by debconf; the tests and benchmarks want their own throwaway servers instead. So
``install`` takes only ``virtuoso-opensource-7-bin`` (the same ``virtuoso-t`` and ``isql-vt``,
without the service, its init script or the debconf question), and ``serve`` runs one server
from a directory of its own::

    python3 scripts/virtuoso.py install
    python3 scripts/virtuoso.py serve DIR [--http-port 8890] [--isql-port 1111] [--buffers-mib 256]
    python3 scripts/virtuoso.py bulk-load DIR FILE.nq --isql-port 1111

A served database answers SPARQL at ``/sparql`` (queries and updates) and the Graph Store Protocol
at ``/sparql-graph-crud``, both without a password: it listens on 127.0.0.1 only and keeps the
default ``dba``/``dba`` account, so it is for tests and benchmarks, never for a shared machine.

Only the standard library: ``make virtuoso`` runs this before the venv exists.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "virtuoso-opensource-7-bin"
SERVER = "virtuoso-t"
ISQL = "isql-vt"

# What the anonymous user /sparql and /sparql-graph-crud run as ("SPARQL") may do: SPARQL Update
# (Graph Store PUT and DELETE go through the same SPARUL procedures), and, as every
# unauthenticated user ("nobody"), read + write (bits 1 and 2) every graph but Virtuoso's own.
GRANT_UPDATE = 'GRANT SPARQL_UPDATE TO "SPARQL";'
ALREADY_GRANTED = "U0013"
# Virtuoso keeps its own metadata in graphs of the quad store (virtrdf: alone holds ~2,500
# triples), which a query over the union of all graphs would otherwise see: they become private
# graphs, which "nobody" may not read. A server of citykg's data then holds citykg's graphs only.
PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
GRAPH_PERMISSIONS = "\n".join(
    [f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE}', 1);"]
    + [f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE}', '{graph}');" for graph in SYSTEM_GRAPHS]
    + ["DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);",
       "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 3);"]
)

INI = """\
; Written by scripts/virtuoso.py: one throwaway server on loopback.
[Database]
DatabaseFile    = {db}/virtuoso.db
ErrorLogFile    = {db}/virtuoso.log
LockFile        = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel   = 7
FileExtend      = 200
MaxCheckpointRemap = 2000
Striping        = 0
TempStorage     = TempDatabase

[TempDatabase]
DatabaseFile    = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping        = 0

[Parameters]
ServerPort      = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode        = 2
DirsAllowed     = {dirs}
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0
; 8 KiB pages: Virtuoso's guide is two thirds of the memory it may use, a quarter of it dirty.
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem     = 1G
ThreadsPerQuery = {threads}
AsyncQueueMaxThreads = 10

[HTTPServer]
ServerPort      = 127.0.0.1:{http_port}
ServerRoot      = {db}/vsp
MaxClientConnections = 10
ServerThreads   = 10
EnabledDavVSP   = 0
Charset         = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000

[SPARQL]
; Virtuoso's defaults cut results at 10,000 rows and stop a query after 60 s with a *partial*
; answer; a client that compares answers must get all of them or an error, never a silent part.
ResultSetMaxRows = 1000000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


class VirtuosoError(RuntimeError):
    """Virtuoso is missing, did not start, or refused a command: the message says which."""


def install() -> None:
    """Install Debian's Virtuoso binaries when ``virtuoso-t`` is missing (needs root)."""
    if shutil.which(SERVER) and shutil.which(ISQL):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE], check=True, env=env
        )
    except (OSError, subprocess.CalledProcessError) as error:
        raise VirtuosoError(f"cannot install {PACKAGE} with apt-get (root and Debian's registry needed): {error}") from error


def write_ini(directory: Path, http_port: int, isql_port: int, buffers_mib: int, load_dirs: tuple[Path, ...]) -> Path:
    """Write ``virtuoso.ini`` for a database in ``directory``; the bulk loader may read ``load_dirs``."""
    directory = directory.resolve()
    (directory / "vsp").mkdir(parents=True, exist_ok=True)
    buffers = max(buffers_mib * 1024 // 8, 2000)
    dirs = ", ".join(["."] + [str(directory)] + [str(d.resolve()) for d in load_dirs])
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(
        db=directory, http_port=http_port, isql_port=isql_port, dirs=dirs,
        buffers=buffers, dirty=buffers * 3 // 4, threads=os.cpu_count() or 2,
    ))
    return ini


def isql(isql_port: int, sql: str, timeout: float | None = None) -> str:
    """Run SQL statements as ``dba`` through ``isql-vt``; fail with Virtuoso's own message."""
    try:
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{isql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF",
             "ERRORS=STDOUT", f"EXEC={sql}"],
            capture_output=True, text=True, timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise VirtuosoError(f"{ISQL} on port {isql_port} failed: {error}") from error
    output = done.stdout + done.stderr
    if done.returncode != 0 or "*** Error" in output:
        raise VirtuosoError(f"Virtuoso refused {sql.strip()[:200]!r}: {output.strip()[:1000]}")
    return output


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise VirtuosoError(f"{SERVER} exited with {process.returncode}; its log ends:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise VirtuosoError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def server(
    directory: Path,
    http_port: int,
    isql_port: int,
    *,
    buffers_mib: int = 256,
    load_dirs: tuple[Path, ...] = (),
    startup_seconds: float = 120,
) -> Iterator[str]:
    """A running ``virtuoso-t`` on loopback with its database in ``directory``; yields the base URL
    (``/sparql``, ``/sparql-graph-crud``) and stops the server after."""
    if not shutil.which(SERVER):
        raise VirtuosoError(f"{SERVER} is not installed: run `make virtuoso` (or `python3 scripts/virtuoso.py install`)")
    ini = write_ini(directory, http_port, isql_port, buffers_mib, load_dirs)
    log = directory / "virtuoso.log"
    process = subprocess.Popen(
        [SERVER, "+foreground", "+configfile", str(ini)],
        cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up(base + "/sparql?query=" + urllib.parse.quote("ASK {}"), process, log, startup_seconds)
        grant_updates(isql_port)
        yield base
    finally:
        stop(process, isql_port)


def grant_updates(isql_port: int) -> None:
    """Let anonymous clients write, and hide Virtuoso's own graphs from them (a database served
    again has the role already)."""
    try:
        isql(isql_port, GRANT_UPDATE)
    except VirtuosoError as error:
        if ALREADY_GRANTED not in str(error):
            raise
    isql(isql_port, GRAPH_PERMISSIONS)


def stop(process: subprocess.Popen, isql_port: int) -> None:
    """Shut down cleanly (a checkpoint, so the directory can be served again), else terminate."""
    if process.poll() is None:
        with contextlib.suppress(VirtuosoError):
            isql(isql_port, "shutdown;", timeout=60)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait(timeout=30)


def bulk_load(isql_port: int, nquads: Path, *, loaders: int = 1) -> None:
    """Load an N-Quads file with Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``), the fast
    way in for millions of quads; its directory must be among the server's ``load_dirs``. The
    graphs come from the quads; any graph of the same name already there is added to, not replaced."""
    nquads = nquads.resolve()
    if not nquads.is_file():
        raise VirtuosoError(f"no N-Quads file at {nquads}")
    isql(isql_port, f"DELETE FROM DB.DBA.load_list WHERE ll_file = '{_sql_text(str(nquads))}';"
                    f"ld_dir ('{_sql_text(str(nquads.parent))}', '{_sql_text(nquads.name)}', 'urn:citykg:default');")
    runs = [subprocess.Popen([ISQL, f"127.0.0.1:{isql_port}", "dba", "dba", "EXEC=rdf_loader_run();"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            for _ in range(loaders)]
    for run in runs:
        run.wait()
    errors = isql(isql_port, f"SELECT ll_error FROM DB.DBA.load_list WHERE ll_file = '{_sql_text(str(nquads))}' AND ll_error IS NOT NULL;")
    if errors.strip():
        raise VirtuosoError(f"the bulk loader refused {nquads}: {errors.strip()[:1000]}")
    isql(isql_port, "checkpoint;")


def _sql_text(text: str) -> str:
    if "\n" in text:
        raise VirtuosoError(f"a path with a line break cannot be given to Virtuoso: {text!r}")
    return text.replace("'", "''")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help=f"apt-get install {PACKAGE} unless {SERVER} is there")
    serve = commands.add_parser("serve", help="run a server on loopback until interrupted")
    load = commands.add_parser("bulk-load", help="start a server, bulk-load an N-Quads file, stop it")
    for sub in (serve, load):
        sub.add_argument("directory", type=Path)
        sub.add_argument("--http-port", type=int, default=8890)
        sub.add_argument("--isql-port", type=int, default=1111)
        sub.add_argument("--buffers-mib", type=int, default=256, help="page cache (use ~2/3 of free memory for big loads)")
    load.add_argument("nquads", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            install()
        elif args.command == "serve":
            with server(args.directory, args.http_port, args.isql_port, buffers_mib=args.buffers_mib) as base:
                print(f"SPARQL {base}/sparql, Graph Store {base}/sparql-graph-crud (Ctrl-C stops)", flush=True)
                with contextlib.suppress(KeyboardInterrupt):
                    while True:
                        time.sleep(3600)
        else:
            with server(args.directory, args.http_port, args.isql_port, buffers_mib=args.buffers_mib,
                        load_dirs=(args.nquads.parent,)):
                bulk_load(args.isql_port, args.nquads)
    except VirtuosoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
