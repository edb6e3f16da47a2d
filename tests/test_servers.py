"""The real-server fixtures really serve: SQL on PostgreSQL, objects on S3, and DuckDB over S3.

DuckDB's httpfs is loaded from its PyPI package file, never downloaded: the machines reach no
extension repository, and a test that downloaded would pass only where the network allows it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

from tests.servers import PostgresServer, S3Server


def test_postgres_runs_sql(postgres_server: PostgresServer) -> None:
    assert postgres_server.conninfo.startswith(f"host=127.0.0.1 port={postgres_server.port} ")
    out = postgres_server.psql(
        "create table t (x int); insert into t values (41), (1); select sum(x) from t; drop table t"
    )
    assert out.split() == ["42"]


def test_postgres_new_database_is_empty_and_isolated(postgres_server: PostgresServer) -> None:
    conninfo = postgres_server.new_database("selftest_iso")
    assert "dbname=selftest_iso" in conninfo
    postgres_server.psql("create table only_here (x int)", dbname="selftest_iso")
    count = "select count(*) from pg_tables where tablename = 'only_here'"
    assert postgres_server.psql(count, dbname="selftest_iso").strip() == "1"
    assert postgres_server.psql(count).strip() == "0"


def test_postgres_listens_only_on_loopback(postgres_server: PostgresServer) -> None:
    assert postgres_server.psql("show listen_addresses").strip() == "127.0.0.1"


def test_s3_put_get(s3_server: S3Server) -> None:
    assert s3_server.new_bucket("selftest-boto") == "s3://selftest-boto"
    client = s3_server.client()
    client.put_object(Bucket="selftest-boto", Key="a/b.txt", Body=b"hello")
    assert client.get_object(Bucket="selftest-boto", Key="a/b.txt")["Body"].read() == b"hello"
    env = s3_server.env()
    assert env["STOREHEALTH_S3_ENDPOINT"] == s3_server.endpoint == f"127.0.0.1:{s3_server.port}"
    assert env["STOREHEALTH_S3_USE_SSL"] == "false" and env["STOREHEALTH_S3_URL_STYLE"] == "path"


def _httpfs_file() -> Path:
    """httpfs for the installed DuckDB, from the duckdb_extension_httpfs package, or skip."""
    spec = importlib.util.find_spec("duckdb_extension_httpfs")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("duckdb_extension_httpfs not installed (published for duckdb 1.5.5 only)")
    path = (Path(next(iter(spec.submodule_search_locations))) / "extensions" / f"v{duckdb.__version__}"
            / "httpfs.duckdb_extension")
    if not path.exists():
        pytest.skip(f"duckdb_extension_httpfs has no build for duckdb {duckdb.__version__}: {path}")
    return path


def test_duckdb_writes_and_reads_s3(s3_server: S3Server) -> None:
    httpfs = _httpfs_file()
    bucket = s3_server.new_bucket("selftest-duckdb")
    con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    try:
        con.execute(f"load '{httpfs}'")
        con.execute(
            f"create secret selftest (type s3, key_id '{s3_server.access_key}', "
            f"secret '{s3_server.secret_key}', region '{s3_server.region}', "
            f"endpoint '{s3_server.endpoint}', url_style 'path', use_ssl false)"
        )
        con.execute(f"copy (select 42 as x) to '{bucket}/x.parquet'")
        assert con.execute(f"select x from '{bucket}/x.parquet'").fetchall() == [(42,)]
    finally:
        con.close()
    # the object is really on the server, not in some DuckDB cache
    head = s3_server.client().head_object(Bucket="selftest-duckdb", Key="x.parquet")
    assert head["ContentLength"] > 0
