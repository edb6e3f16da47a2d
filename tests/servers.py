"""Real servers for tests that need them: PostgreSQL (a DuckLake catalog) and S3 (its data files).

Both are started by the test session itself and bind only 127.0.0.1, so nothing outside the machine
sees them and no test depends on a service being started beforehand. A missing server program skips
its tests, unless STOREHEALTH_REQUIRE_SERVERS=1 (CI), where a skip would hide a missing install step.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

HOST = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds; initdb plus start takes ~2 s on a quiet machine


def _unavailable(message: str) -> NoReturn:
    """Skip, or fail where CI promised the servers (a skip there would pass with nothing tested)."""
    if os.environ.get("STOREHEALTH_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{message} (STOREHEALTH_REQUIRE_SERVERS=1)", pytrace=False)
    pytest.skip(message)


def _wait_for_port(port: int, timeout: float) -> bool:
    """True once something accepts TCP connections on HOST:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _free_port() -> int:
    """A port free now; postgres can't take port 0, so there is a small race, retried by the caller."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as e:
        return f"(no log: {e})"


# ---------------------------------------------------------------------------------------------------
# PostgreSQL


def _postgres_bin_dir() -> Path | None:
    """Newest Debian install, /usr/lib/postgresql/<ver>/bin (several versions may sit side by side)."""
    root = Path("/usr/lib/postgresql")
    found = [p for p in root.glob("*/bin") if re.fullmatch(r"\d+(\.\d+)?", p.parent.name)]
    found = [p for p in found if (p / "initdb").exists() and (p / "pg_ctl").exists()]
    if not found:
        return None
    return max(found, key=lambda p: tuple(int(n) for n in p.parent.name.split(".")))


@dataclass
class PostgresServer:
    """A throwaway cluster with trust auth; connect as user postgres over TCP or the socket in `dir`."""

    port: int
    dir: Path
    bin_dir: Path
    user: str = "postgres"
    dbname: str = "storehealth"

    def conninfo_for(self, dbname: str) -> str:
        return f"host={HOST} port={self.port} dbname={dbname} user={self.user}"

    @property
    def conninfo(self) -> str:
        return self.conninfo_for(self.dbname)

    def psql(self, sql: str, dbname: str | None = None) -> str:
        """Run SQL with the psql client (no Python driver needed); unaligned, tuples-only output."""
        out = subprocess.run(
            [str(self.bin_dir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql,
             self.conninfo_for(dbname or self.dbname)],
            capture_output=True, text=True, timeout=60,
        )
        if out.returncode != 0:
            raise RuntimeError(f"psql failed ({out.returncode}): {out.stderr.strip()}")
        return out.stdout

    def new_database(self, name: str) -> str:
        """Create an empty database and return its conninfo: each test gets a catalog of its own."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"database name {name!r}: use lower-case letters, digits and _")
        out = subprocess.run(
            [str(self.bin_dir / "createdb"), "-h", HOST, "-p", str(self.port), "-U", self.user, name],
            capture_output=True, text=True, timeout=60,
        )
        if out.returncode != 0:
            raise RuntimeError(f"createdb {name} failed ({out.returncode}): {out.stderr.strip()}")
        return self.conninfo_for(name)


def _as_server_user(cmd: list[str]) -> list[str]:
    """postgres refuses to run as root; as root (CI, these machines) run it as Debian's postgres user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str], cwd: Path, what: str, log: Path | None = None) -> None:
    out = subprocess.run(_as_server_user(cmd), cwd=cwd, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        tail = f"\n--- server log tail ---\n{_tail(log)}" if log else ""
        raise RuntimeError(f"{what} failed ({out.returncode}):\n{out.stdout}{out.stderr}{tail}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL with database `storehealth`, on 127.0.0.1 and a socket in its temp dir."""
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        _unavailable("PostgreSQL server not installed: apt-get install postgresql")
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root needs the postgres user: apt-get install postgresql")
    # /tmp itself, not pytest's 0700 basetemp under root's name, which the postgres user can't enter;
    # short too, since a unix socket path must stay under ~100 bytes
    tmp = Path(tempfile.mkdtemp(prefix="storehealth-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        os.chown(tmp, owner.pw_uid, owner.pw_gid)
    data, log = tmp / "data", tmp / "server.log"
    server: PostgresServer | None = None
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
              "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions"], tmp, "initdb")
        for attempt in range(3):  # the free port may be taken between choosing and binding it
            port = _free_port()
            opts = (f"-c listen_addresses={HOST} -p {port} -k {tmp} "
                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            try:
                _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts,
                      "-w", "-t", str(int(START_TIMEOUT)), "start"], tmp, "pg_ctl start", log)
            except RuntimeError:
                if attempt == 2 or "could not bind" not in _tail(log):
                    raise
                continue
            if not _wait_for_port(port, START_TIMEOUT):
                raise RuntimeError(f"PostgreSQL not accepting on {HOST}:{port}\n{_tail(log)}")
            server = PostgresServer(port=port, dir=tmp, bin_dir=bin_dir)
            break
        assert server is not None
        server.new_database(server.dbname)
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                            "-w", "stop"]), cwd=tmp, capture_output=True, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------
# S3


@dataclass
class S3Server:
    """moto's S3 in this process; any keys are accepted, these fixed ones keep requests signed as usual."""

    port: int
    access_key: str = "storehealth-test"
    secret_key: str = "storehealth-test-secret"
    region: str = "us-east-1"

    @property
    def endpoint(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def client(self):  # -> botocore S3 client; boto3 is imported lazily as moto[server] is optional
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=self.region,
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)

    def new_bucket(self, name: str) -> str:
        """Create a bucket and return its s3:// URL."""
        self.client().create_bucket(Bucket=name)
        return f"s3://{name}"

    def env(self) -> dict[str, str]:
        """What a storehealth process needs to reach this store (path style, plain http)."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
            "STOREHEALTH_S3_ENDPOINT": self.endpoint,
            "STOREHEALTH_S3_USE_SSL": "false",
            "STOREHEALTH_S3_URL_STYLE": "path",
        }


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """A real S3 HTTP endpoint on 127.0.0.1 (moto server mode), for DuckDB's httpfs and boto3 alike."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        _unavailable("moto server not installed: pip install 'moto[server]'")
    # port 0: the OS picks a free port at bind time, so no race (a failed bind would hang start())
    moto = ThreadedMotoServer(ip_address=HOST, port=0, verbose=False)
    moto.start()
    try:
        port = moto.get_host_and_port()[1]
        if not _wait_for_port(port, START_TIMEOUT):
            raise RuntimeError(f"moto S3 server not accepting on {HOST}:{port}")
        yield S3Server(port=port)
    finally:
        moto.stop()
