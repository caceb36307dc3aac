#!/usr/bin/env python3
"""Check that kpiscope's KPI values agree with a peer's (DuckDB or Polars).

usage: compare.py KPISCOPE.csv PEER.csv [--also KPI=COLUMN ...] [--rtol 1e-9]

KPISCOPE.csv is kpiscope's long CSV (`eval --format csv`):
    kpi,network,account,period,start,end,value,unit,reason
one row per KPI and group, `value` empty when there is no data. It is pivoted
on (network, account, period). A wide CSV (the peers' own layout) is accepted
as the first file too, so the two peers can be checked against each other.

PEER.csv is wide: network,account,month,<one column per KPI>, empty = null.

Every peer cell is checked against kpiscope's value of the KPI with the same
name (and `--also KPI=COLUMN` checks kpiscope's KPI against that peer column
as well, e.g. `--also post_count=posts`):
    both empty -> ok; one empty -> mismatch;
    else |a - b| / max(|b|, 1e-12) < rtol   (b = the peer's value).
The set of (network, account, month) keys must be the same in both files.

Prints `N values compared, M mismatches` and up to 10 examples; exits 1 on any
mismatch, 2 on unreadable input. Standard library only.
"""
import argparse
import csv
import math
import sys

KEY = ("network", "account")
MAX_EXAMPLES = 10


def fail(msg):
    print(f"compare.py: {msg}", file=sys.stderr)
    sys.exit(2)


def read_rows(path):
    try:
        f = open(path, newline="", encoding="utf-8-sig")
    except OSError as e:
        fail(f"cannot read {path}: {e}")
    with f:
        r = csv.DictReader(f)
        if r.fieldnames is None:
            fail(f"{path}: empty file")
        return [name.strip() for name in r.fieldnames], list(r)


def load_wide(path, header, rows):
    """(network, account, month) -> {column: text}."""
    for col in KEY + ("month",):
        if col not in header:
            fail(f"{path}: wide CSV without a `{col}` column (header: {','.join(header)})")
    cols = [c for c in header if c not in KEY + ("month",)]
    table, dups = {}, []
    for row in rows:
        k = (row["network"], row["account"], row["month"])
        if k in table:
            dups.append(k)
        table[k] = {c: (row.get(c) or "").strip() for c in cols}
    return table, cols, dups


def load_long(path, header, rows):
    """Pivot kpiscope's long rows to (network, account, period) -> {kpi: text}."""
    for col in ("kpi", "period", "value") + KEY:
        if col not in header:
            fail(f"{path}: long CSV without a `{col}` column (header: {','.join(header)})")
    table, kpis, dups = {}, [], []
    for row in rows:
        k = (row["network"], row["account"], row["period"])
        kpi = row["kpi"]
        if kpi not in kpis:
            kpis.append(kpi)
        cell = table.setdefault(k, {})
        if kpi in cell:
            dups.append((kpi,) + k)
        cell[kpi] = (row.get("value") or "").strip()
    return table, kpis, dups


def load_any(path):
    header, rows = read_rows(path)
    if "kpi" in header and "value" in header:
        return ("long",) + load_long(path, header, rows)
    return ("wide",) + load_wide(path, header, rows)


def as_float(text):
    try:
        return float(text)
    except ValueError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kpiscope", help="kpiscope long CSV (or a wide CSV)")
    ap.add_argument("peer", help="peer wide CSV")
    ap.add_argument("--also", action="append", default=[], metavar="KPI=COLUMN",
                    help="also compare kpiscope KPI with this peer column")
    ap.add_argument("--rtol", type=float, default=1e-9)
    a = ap.parse_args()

    layout, ours, our_kpis, our_dups = load_any(a.kpiscope)
    peer, peer_cols, peer_dups = load_wide(a.peer, *read_rows(a.peer))

    pairs = [(c, c) for c in peer_cols]  # (our kpi, peer column)
    for spec in a.also:
        kpi, sep, col = spec.partition("=")
        if not sep or col not in peer_cols:
            fail(f"--also {spec}: expected KPI=COLUMN with COLUMN one of {','.join(peer_cols)}")
        pairs.append((kpi, col))

    by_kind, mismatches, compared = {}, 0, 0  # kind (a KPI, or "keys") -> messages

    def bad(msg, kind="structure"):
        nonlocal mismatches
        mismatches += 1
        by_kind.setdefault(kind, []).append(msg)

    for d in our_dups:
        bad(f"duplicate row in {a.kpiscope}: {d}")
    for d in peer_dups:
        bad(f"duplicate row in {a.peer}: {d}")

    missing_kpis = [k for k, _ in pairs if k not in our_kpis]
    for k in missing_kpis:
        bad(f"KPI {k} is absent from {a.kpiscope}")

    our_keys, peer_keys = set(ours), set(peer)
    only_ours = sorted(our_keys - peer_keys)
    only_peer = sorted(peer_keys - our_keys)
    for k in only_ours:
        vals = ours[k]
        bad(f"key {'/'.join(k)} only in {a.kpiscope} (values: "
            + ", ".join(f"{n}={v or 'empty'}" for n, v in vals.items()) + ")", "keys")
    for k in only_peer:
        bad(f"key {'/'.join(k)} only in {a.peer}", "keys")

    missing_cells = 0
    for k in sorted(our_keys & peer_keys):
        mine, theirs = ours[k], peer[k]
        for kpi, col in pairs:
            if kpi in missing_kpis:
                continue
            where = f"{kpi} {'/'.join(k)}" + (f" (peer column {col})" if kpi != col else "")
            if kpi not in mine:
                missing_cells += 1
            x, y = mine.get(kpi, ""), theirs[col]
            compared += 1
            if x == "" and y == "":
                continue
            if x == "" or y == "":
                bad(f"{where}: kpiscope={x or 'empty'} peer={y or 'empty'}", kpi)
                continue
            fx, fy = as_float(x), as_float(y)
            if fx is None or fy is None or not math.isfinite(fx) or not math.isfinite(fy):
                bad(f"{where}: kpiscope={x!r} peer={y!r} (not a finite number)", kpi)
                continue
            rel = abs(fx - fy) / max(abs(fy), 1e-12)
            if not rel < a.rtol:
                bad(f"{where}: kpiscope={x} peer={y} (relative difference {rel:.3g})", kpi)

    print(f"{compared} values compared, {mismatches} mismatches"
          f" ({len(peer_keys)} peer keys, {len(our_keys)} {layout} keys"
          + (f", {len(only_ours)} only in {a.kpiscope}" if only_ours else "")
          + (f", {len(only_peer)} only in {a.peer}" if only_peer else "")
          + (f", {missing_cells} rows absent from {a.kpiscope}, counted as empty" if missing_cells else "")
          + ")")
    if mismatches:
        print("  mismatches by kind: " + ", ".join(f"{k}={len(v)}" for k, v in by_kind.items()))
    # Up to MAX_EXAMPLES examples, taken in turn from each kind so one bad KPI
    # does not hide the others.
    examples, queues = [], [list(v) for v in by_kind.values()]
    while len(examples) < MAX_EXAMPLES and any(queues):
        for q in queues:
            if q and len(examples) < MAX_EXAMPLES:
                examples.append(q.pop(0))
    for e in examples:
        print(f"  {e}")
    if mismatches > len(examples):
        print(f"  ... and {mismatches - len(examples)} more")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
