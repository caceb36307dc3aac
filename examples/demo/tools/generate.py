#!/usr/bin/env python3
"""Regenerate the demo data of Northwind Coffee Roasters (deterministic).

usage: python3 tools/generate.py            (from examples/demo/, or anywhere)

Writes canonical CSV files (the built-in `canonical` plugin) under data/:

  data/instagram/2026-05.csv ... 2026-10.csv     one file per month
  data/facebook/2026-05_06.csv ... 2026-09_10.csv one file per two months
  data/web/2026-05_07.csv, 2026-08_10.csv         one file per three months
  data/costs.csv                                  ad spend (daily) and team cost (monthly)

Story:
  * Instagram (@northwind) grows steadily (about +3 % followers a month) with
    healthy, stable engagement.
  * Facebook (northwindcoffee) grows slowly until September, then the follower
    count jumps (a batch of bought followers on 2026-09-08, a trickle after it,
    and another batch on 2026-10-13) while engagement stays with the real
    audience, so the engagement rate by followers (`er`) falls.
  * Web analytics rows (network `web`) describe the sessions that came from
    social media: bounce rate around 50 %, about 80 s on site, 2.6 pages per
    session, and the leads they produced.

Same seed, same files: the script uses its own random.Random(SEED) and never the
clock. Empty cell = no value (not zero).
"""
import collections
import csv
import datetime as dt
import os
import random

SEED = 20261031
START = dt.date(2026, 5, 1)
END = dt.date(2026, 10, 31)
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")

SOCIAL_HEADER = [
    "date", "network", "account", "post", "dim.type", "dim.campaign",
    "followers", "followers_new", "followers_lost", "reach", "impressions", "profile_visits",
    "likes", "comments", "shares", "saves", "clicks",
]
WEB_HEADER = [
    "date", "network", "account",
    "sessions", "site_sessions", "sessions_new", "bounces", "pageviews", "time_on_site", "leads",
]
COST_HEADER = ["date", "network", "account", "spend", "cost"]

# content plans: the post types rotate through these
IG_TYPES = ["reel", "photo", "carousel", "photo", "reel", "carousel", "photo"]
FB_TYPES = ["photo", "photo", "carousel", "reel", "photo"]

# weekday factor (Mon..Sun): coffee people scroll more at the weekend
WEEKDAY = [0.92, 0.95, 0.97, 1.0, 1.05, 1.12, 1.08]


def days():
    d = START
    while d <= END:
        yield d
        d += dt.timedelta(days=1)


def campaign_of(d):
    return "summer" if d.month in (6, 7, 8) else ""


def post_days(rnd, per_month, phase=0.0):
    """Publishing days: `per_month` posts in every month, evenly spread, each
    post moved a day earlier or later now and then. A move never leaves the
    month (every month keeps the same number of posts, so monthly engagement
    sums are comparable) and every Monday-started week keeps 3 to 5 posts."""
    days_ = []
    for m in range(START.month, END.month + 1):
        first = dt.date(START.year, m, 1)
        length = ((dt.date(START.year, m + 1, 1) if m < 12 else dt.date(START.year + 1, 1, 1)) - first).days
        step = length / per_month
        days_ += [first + dt.timedelta(days=int(phase + k * step)) for k in range(per_month)]

    def week(d):
        return (d - (START - dt.timedelta(days=START.weekday()))).days // 7

    def ok(ds):
        counts = collections.Counter(week(d) for d in ds)
        full = [w for w in counts if w not in (week(START), week(END))]
        return len(set(ds)) == len(ds) and all(3 <= counts[w] <= 5 for w in full)

    for i, d in enumerate(days_):
        moved = d + dt.timedelta(days=rnd.choice([-1, 0, 0, 1]))
        if moved.month != d.month or not START <= moved <= END:
            continue
        trial = days_[:i] + [moved] + days_[i + 1:]
        if ok(trial):
            days_ = trial
    assert ok(days_), "posting schedule breaks the 3-5 posts a week rule"
    return set(days_)


def instagram(rnd):
    """Rows (dicts) for @northwind: account-level days and posts."""
    rows = []
    followers = 8200
    pdays = post_days(rnd, per_month=18, phase=0.0)
    n = 0
    for i, d in enumerate(days()):
        wf = WEEKDAY[d.weekday()]
        new = int(round(rnd.gauss(13 + i * 0.03, 2.5)))
        lost = int(round(rnd.gauss(3.5, 1.2)))
        new, lost = max(new, 0), max(lost, 0)
        followers += new - lost
        reach = int(followers * 0.21 * wf * rnd.uniform(0.9, 1.1))
        rnd.uniform(1.45, 1.7)  # the account's impressions: drawn to keep the sequence, not written
        rows.append({
            "date": d, "network": "instagram", "account": "northwind",
            "followers": followers, "followers_new": new, "followers_lost": lost,
            # The account's own daily reach is not written: reach and
            # impressions come from the posts, so a scope never adds the
            # account's reach to its posts' reach.
            "profile_visits": int(reach * rnd.uniform(0.025, 0.035)),
        })
        if d in pdays:
            n += 1
            kind = IG_TYPES[n % len(IG_TYPES)]
            share_of_followers = {"photo": 0.36, "reel": 0.44, "carousel": 0.40}[kind]
            p_reach = int(followers * share_of_followers * wf * rnd.uniform(0.9, 1.1))
            p_imp = int(p_reach * rnd.uniform(1.25, 1.45))
            # the content gets a little better every month (+2 % likes per reach)
            likes = int(p_reach * rnd.uniform(0.058, 0.066) * (1 + 0.02 * (d.month - 5)))
            rows.append({
                "date": d, "network": "instagram", "account": "northwind",
                "post": f"ig-{n:04d}", "dim.type": kind, "dim.campaign": campaign_of(d),
                "reach": p_reach, "impressions": p_imp,
                "likes": likes,
                "comments": int(p_reach * rnd.uniform(0.005, 0.008)),
                "shares": int(p_reach * rnd.uniform(0.003, 0.006) * (1.6 if kind == "reel" else 1)),
                "saves": int(p_reach * rnd.uniform(0.008, 0.014) * (1.5 if kind == "carousel" else 1)),
                "clicks": int(p_imp * rnd.uniform(0.011, 0.015)),
            })
    return rows


def facebook(rnd):
    """Rows for the northwindcoffee page: slow organic growth, bought followers
    in September and October that never engage."""
    rows = []
    real = 12500      # followers who actually read the page
    bought = 0        # followers that came from a "growth service"
    pdays = post_days(rnd, per_month=17, phase=0.8)
    n = 0
    for d in days():
        wf = WEEKDAY[d.weekday()]
        new = max(int(round(rnd.gauss(7, 2))), 0)
        lost = max(int(round(rnd.gauss(4, 1.5))), 0)
        real += new - lost
        extra = 0
        if d == dt.date(2026, 9, 8):
            extra = 3400
        elif dt.date(2026, 9, 9) <= d <= dt.date(2026, 9, 20):
            extra = int(rnd.uniform(90, 130))
        elif d == dt.date(2026, 10, 13):
            extra = 1500
        bought += extra
        followers = real + bought
        reach = int(real * 0.12 * wf * rnd.uniform(0.9, 1.1))
        rows.append({
            "date": d, "network": "facebook", "account": "northwindcoffee",
            "followers": followers, "followers_new": new + extra, "followers_lost": lost,
            "impressions_unused": rnd.uniform(1.3, 1.5),  # drawn to keep the sequence; not written
            "profile_visits": int(reach * rnd.uniform(0.01, 0.018)),
        })
        if d in pdays:
            n += 1
            kind = FB_TYPES[n % len(FB_TYPES)]
            share_of_real = {"photo": 0.17, "reel": 0.21, "carousel": 0.19}[kind]
            p_reach = int(real * share_of_real * wf * rnd.uniform(0.9, 1.1))
            p_imp = int(p_reach * rnd.uniform(1.2, 1.4))
            rows.append({
                "date": d, "network": "facebook", "account": "northwindcoffee",
                "post": f"fb-{n:04d}", "dim.type": kind, "dim.campaign": campaign_of(d),
                "reach": p_reach, "impressions": p_imp,
                "likes": int(p_reach * rnd.uniform(0.035, 0.045)),
                "comments": int(p_reach * rnd.uniform(0.004, 0.007)),
                "shares": int(p_reach * rnd.uniform(0.004, 0.007)),
                "saves": int(p_reach * rnd.uniform(0.001, 0.003)),
                "clicks": int(p_imp * rnd.uniform(0.008, 0.012)),
            })
    return rows


def web(rnd):
    rows = []
    for i, d in enumerate(days()):
        wf = WEEKDAY[d.weekday()]
        sessions = int((170 + i * 0.35) * wf * rnd.uniform(0.85, 1.15))
        rows.append({
            "date": d, "network": "web", "account": "northwindcoffee.com",
            "sessions": sessions,
            "site_sessions": int(sessions * rnd.uniform(5.5, 6.5)),
            "sessions_new": int(sessions * rnd.uniform(0.64, 0.72)),
            "bounces": int(sessions * rnd.uniform(0.47, 0.55)),
            "pageviews": int(sessions * rnd.uniform(2.45, 2.75)),
            "time_on_site": int(sessions * rnd.uniform(72, 88)),
            "leads": int(sessions * rnd.uniform(0.012, 0.028)),
        })
    return rows


def costs(rnd, params_team_cost=3200):
    rows = []
    for d in days():
        if d.day == 1:  # the team's monthly cost, split between the two networks
            for net, acct in (("instagram", "northwind"), ("facebook", "northwindcoffee")):
                rows.append({"date": d, "network": net, "account": acct,
                             "cost": f"{params_team_cost / 2:.2f}"})
        rows.append({"date": d, "network": "instagram", "account": "northwind",
                     "spend": f"{rnd.uniform(22, 30):.2f}"})
        rows.append({"date": d, "network": "facebook", "account": "northwindcoffee",
                     "spend": f"{rnd.uniform(14, 20):.2f}"})
    return rows


def write(path, header, rows):
    path = os.path.join(DATA, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r.get(h) is None else (r[h].isoformat() if h == "date" else r[h])
                        for h in header])


def split(rows, groups):
    """groups: list of (file name, months)"""
    for name, months in groups:
        yield name, [r for r in rows if r["date"].month in months]


def main():
    rnd = random.Random(SEED)
    ig = instagram(rnd)
    fb = facebook(rnd)
    wb = web(rnd)
    co = costs(rnd)
    for name, rows in split(ig, [(f"2026-{m:02d}.csv", [m]) for m in range(5, 11)]):
        write(f"instagram/{name}", SOCIAL_HEADER, rows)
    for name, rows in split(fb, [("2026-05_06.csv", [5, 6]), ("2026-07_08.csv", [7, 8]),
                                 ("2026-09_10.csv", [9, 10])]):
        write(f"facebook/{name}", SOCIAL_HEADER, rows)
    for name, rows in split(wb, [("2026-05_07.csv", [5, 6, 7]), ("2026-08_10.csv", [8, 9, 10])]):
        write(f"web/{name}", WEB_HEADER, rows)
    write("costs.csv", COST_HEADER, co)


if __name__ == "__main__":
    main()
