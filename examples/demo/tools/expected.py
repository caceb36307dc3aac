#!/usr/bin/env python3
"""Independent hand computation of the demo's KPI values (no kpiscope involved).

usage: python3 tools/expected.py [--goals] [--table] [--post-exposure]

Reads the canonical CSVs under data/ directly and applies the KPIS.md formulas:
sums of every record in scope over the period (ratio of sums), `followers` = the
value on the last day of the period that has one, summed over the accounts in
scope, `posts` = distinct post ids, `days` = calendar days of the period.

--post-exposure: the alternative reading where `reach` and `impressions` of the
account-level daily rows are ignored and only the posts' reach/impressions count
(the default sums every record, account-level and post-level alike).
"""
import collections
import csv
import datetime as dt
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")


def load(post_exposure=False):
    recs = []
    for path in sorted(glob.glob(os.path.join(DATA, "**", "*.csv"), recursive=True)):
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                r = {"date": dt.date.fromisoformat(row.pop("date")),
                     "network": row.pop("network"), "account": row.pop("account"),
                     "post": row.pop("post", "") or None, "dims": {}, "m": {}}
                for k, v in row.items():
                    if v == "":
                        continue
                    if post_exposure and r["post"] is None and k in ("reach", "impressions"):
                        continue
                    if k.startswith("dim."):
                        r["dims"][k[4:]] = v
                    else:
                        r["m"][k] = float(v)
                recs.append(r)
    return recs


def month_range(y, m):
    start = dt.date(y, m, 1)
    end = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
    return start, end


def quarter_range(y, q):
    return dt.date(y, 3 * q - 2, 1), month_range(y, 3 * q)[1]


class Group:
    """Aggregated metrics of a scope over a period."""

    def __init__(self, recs, start, end, network=None, account=None, where=None):
        self.start, self.end = start, end
        self.days = (end - start).days + 1
        sel = [r for r in recs if start <= r["date"] <= end
               and (network is None or r["network"] == network)
               and (account is None or r["account"] == account)
               and all(r["dims"].get(k) == v for k, v in (where or {}).items())]
        self.sums = collections.defaultdict(float)
        self.present = set()
        last = {}  # (network, account) -> (date, followers)
        posts = set()
        for r in sel:
            if r["post"]:
                posts.add((r["network"], r["account"], r["post"]))
            for k, v in r["m"].items():
                self.present.add(k)
                if k == "followers":
                    key = (r["network"], r["account"])
                    if key not in last or r["date"] >= last[key][0]:
                        last[key] = (r["date"], v)
                else:
                    self.sums[k] += v
        if last:
            self.sums["followers"] = sum(v for _, v in last.values())
        self.sums["posts"] = len(posts)
        self.present.add("posts")

    def __getitem__(self, k):
        if k not in self.present:
            raise KeyError(k)
        return self.sums[k]


def div(a, b):
    if b == 0:
        raise ZeroDivisionError
    return a / b


# --- the standard-library formulas used by the demo (KPIS.md) ---
def engagements(g): return g["likes"] + g["comments"] + g["shares"]
def er(g): return div(engagements(g), g["followers"]) * 100
def err(g): return div(engagements(g), g["reach"]) * 100
def ctr(g): return div(g["clicks"], g["impressions"]) * 100
def cpc(g): return div(g["spend"], g["clicks"])
def posting_frequency(g): return div(g["posts"], g.days)
def bounce_rate(g): return div(g["bounces"], g["sessions"]) * 100
def avg_time_on_site(g): return div(g["time_on_site"], g["sessions"])
def pages_per_session(g): return div(g["pageviews"], g["sessions"])


# --- the workspace's own KPIs (scripts/health.rhai) ---
def fake_follower_score(g, prev):
    growth = div(g["followers"] - prev["followers"], prev["followers"]) * 100
    er_now, er_before = er(g), er(prev)
    er_change = div(er_now - er_before, er_before) * 100
    return max(0.0, growth - er_change) if growth > 0 else 0.0


def quality_traffic(g):
    return float((bounce_rate(g) <= 60) + (avg_time_on_site(g) >= 60) + (pages_per_session(g) >= 3))


KPIS = {"er": er, "err": err, "ctr": ctr, "cpc": cpc, "posting_frequency": posting_frequency,
        "bounce_rate": bounce_rate, "avg_time_on_site": avg_time_on_site,
        "pages_per_session": pages_per_session, "quality_traffic": quality_traffic}


def value(recs, kpi, start, end, prev_range, **scope):
    g = Group(recs, start, end, **scope)
    try:
        if kpi == "fake_follower_score":
            return fake_follower_score(g, Group(recs, *prev_range, **scope))
        return KPIS[kpi](g)
    except (KeyError, ZeroDivisionError) as e:
        return f"no data ({e})"


def status(v, target, warn):
    def ok(cond):
        op, n = cond.split()
        n = float(n)
        return {">=": v >= n, ">": v > n, "<=": v <= n, "<": v < n, "==": v == n}[op]
    if isinstance(v, str):
        return "no_data"
    if ok(target):
        return "pass"
    if warn and ok(warn):
        return "warn"
    return "fail"


def goals(recs):
    import tomllib
    with open(os.path.join(HERE, "..", "kpiscope.toml"), "rb") as f:
        cfg = tomllib.load(f)
    for goal in cfg.get("goal", []):
        per = goal["period"]
        if goal["grain"] == "month":
            y, m = (2026, 10) if per == "last" else map(int, per.split("-"))
            rng = month_range(y, m)
            prev = month_range(y - (m == 1), (m - 2) % 12 + 1)
            label = f"{y}-{m:02d}"
        else:
            y, q = int(per[:4]), int(per[-1])
            rng = quarter_range(y, q)
            prev = quarter_range(y - (q == 1), (q - 2) % 4 + 1)
            label = per
        v = value(recs, goal["kpi"], *rng, prev, network=goal.get("network"),
                  account=goal.get("account"), where=goal.get("where"))
        st = status(v, goal["target"], goal.get("warn"))
        vs = v if isinstance(v, str) else f"{v:.4f}"
        print(f"| `{goal['id']}` | `{goal['kpi']}` | {label} | {goal['target']} | "
              f"{goal.get('warn', '')} | {vs} | **{st}** |")


def table(recs):
    kpis = ["er", "err", "ctr", "cpc", "posting_frequency", "fake_follower_score",
            "bounce_rate", "avg_time_on_site", "pages_per_session", "quality_traffic"]
    for net in ["facebook", "instagram", "web"]:
        for m in range(5, 11):
            rng = month_range(2026, m)
            prev = month_range(2026, m - 1)
            g = Group(recs, *rng, network=net)
            cells = []
            for k in kpis:
                v = value(recs, k, *rng, prev, network=net)
                cells.append("-" if isinstance(v, str) else f"{v:.2f}")
            fol = g.sums.get("followers")
            print(f"{net:9} 2026-{m:02d} followers={fol and int(fol)} posts={int(g['posts'])} "
                  + " ".join(f"{k}={c}" for k, c in zip(kpis, cells)))


if __name__ == "__main__":
    recs = load("--post-exposure" in sys.argv)
    if "--table" in sys.argv or "--goals" not in sys.argv:
        table(recs)
    if "--goals" in sys.argv or "--table" not in sys.argv:
        goals(recs)
