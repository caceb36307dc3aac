#!/usr/bin/env python3
"""DuckDB on the PostgreSQL benchmark's KPI set (bench/pg/run.sh).

usage: peer_duckdb_pg.py pg  DSN      OUT.csv [--extension FILE]
       peer_duckdb_pg.py csv FILE.csv OUT.csv

`pg`: DuckDB's postgres scanner reads social.post_metrics from the server at
DSN (a postgres:// URL). The extension is loaded from FILE when given, else
by name from DuckDB's own extension folder; it is never downloaded
(autoinstall off). `csv`: DuckDB reads the canonical CSV that run.sh exported.

The query is /work/shared/bench/peer_duckdb.py's: per (network, account,
calendar month in UTC) posts, sums, followers on the last post's date, then
er, err, love_rate, talk_rate, amplification_rate, ctr, cpc, cpl; a division
by zero is empty. Writes the wide CSV that bench/compare.py reads.
"""
import argparse
import sys

import duckdb

METRICS = ["followers", "impressions", "reach", "likes", "comments", "shares", "clicks", "spend", "leads"]

SQL = """
WITH src AS ({src}),
g AS (
  SELECT network, account, strftime(date, '%Y-%m') AS month,
         count(*) AS posts,
         arg_max(followers, date) AS followers,
         sum(impressions) AS impressions, sum(reach) AS reach,
         sum(likes) AS likes, sum(comments) AS comments, sum(shares) AS shares,
         sum(clicks) AS clicks, sum(spend) AS spend, sum(leads) AS leads
  FROM src
  GROUP BY ALL
)
SELECT network, account, month, posts,
  (likes+comments+shares) / nullif(followers,0) * 100 AS er,
  (likes+comments+shares) / nullif(reach,0) * 100 AS err,
  likes / nullif(followers,0) * 100 AS love_rate,
  comments / nullif(followers,0) * 100 AS talk_rate,
  shares / nullif(posts,0) * 100 AS amplification_rate,
  clicks / nullif(impressions,0) * 100 AS ctr,
  spend / nullif(clicks,0) AS cpc,
  spend / nullif(leads,0) AS cpl
FROM g ORDER BY network, account, month
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["pg", "csv"])
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--extension")
    a = ap.parse_args()
    con = duckdb.connect()
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    if has_icu(con):
        con.execute("SET TimeZone = 'UTC'")
    if a.mode == "pg":
        try:
            con.execute(f"LOAD '{a.extension}'" if a.extension else "LOAD postgres")
        except duckdb.Error as e:
            sys.exit(f"duckdb {duckdb.__version__}: no postgres extension: {one_line(e)}")
        dsn = a.src.replace("'", "''")
        con.execute(f"ATTACH '{dsn}' AS pg (TYPE postgres, READ_ONLY)")
        # The post's day in UTC (a timestamptz becomes a UTC instant in DuckDB).
        cols = ", ".join(f"CAST({c} AS DOUBLE) AS {m}" for m, c in zip(METRICS, PG_COLUMNS))
        src = f"SELECT CAST(CAST(published_at AS TIMESTAMP) AS DATE) AS date, network, account_id AS account, {cols} FROM pg.social.post_metrics"
    else:
        types = {"date": "DATE", "network": "VARCHAR", "account": "VARCHAR", "post": "VARCHAR", "dim.campaign": "VARCHAR"}
        types.update({m: "DOUBLE" for m in METRICS})
        tlist = ", ".join(f"'{k}': '{v}'" for k, v in types.items())
        src = f"SELECT * FROM read_csv('{a.src}', header = true, types = {{{tlist}}})"
    con.execute(f"COPY ({SQL.format(src=src)}) TO '{a.out}' (HEADER, DELIMITER ',')")


PG_COLUMNS = ["followers_count", "impressions", "reach", "likes", "comments", "shares", "clicks", "spend", "leads"]


def has_icu(con):
    try:
        return bool(con.execute("SELECT count(*) FROM duckdb_extensions() WHERE extension_name = 'icu' AND loaded").fetchone()[0])
    except duckdb.Error:
        return False


def one_line(e):
    return " ".join(str(e).split())


if __name__ == "__main__":
    try:
        main()
    except duckdb.Error as e:
        sys.exit(f"duckdb {duckdb.__version__}: {one_line(e)}")
