#!/usr/bin/env python3
"""Regenerate the demo data of Northwind Coffee Roasters (deterministic).

usage: python3 tools/generate.py            (from examples/demo/, or anywhere)

Writes, for the twelve months 2025-11-01 to 2026-10-31, the files the team downloads from each
network, in the networks' own layouts (see /work/shared/FORMATS.md and the
built-in plugins' fixtures), under data/:

  instagram/posts/Nov-01-2025_Nov-30-2025_<account id>.csv ...
        Meta Business Suite Instagram post exports, one per month (UTF-8 BOM,
        "Publish time" MM/DD/YYYY HH:MM, "Date" = Lifetime, "1,234" quoted)
  instagram/daily/<start>_<end>/Follows.csv
        Business Suite daily series "Instagram follows" (UTF-16LE with BOM,
        `sep=,`, title line, "Date","Primary"; days with no follow left out),
        one per quarter
  facebook/posts/Nov-01-2025_Nov-30-2025_<page id>.csv ...
        Meta Business Suite Facebook post exports, one per month (32 columns)
  facebook/daily/<start>_<end>/Follows.csv, Viewers.csv
        daily series "Facebook follows" and "Viewers" (the page's daily reach),
        three downloads; the last two overlap in July, which kpiscope counts once
  x/account_analytics_content_<start>_<end>.csv
        x.com account analytics content exports, one per month
  ga4/Traffic_acquisition_Session_source_<start>-<end>.csv
        GA4 Traffic acquisition by Session source with Date as a secondary
        dimension, one per month: `#` preamble, Grand total row, rows sorted by
        sessions, and the chart's "Nth day" table after a blank line
  meta_ads/Northwind-Ads-<Mon>-1-<year>-<Mon>-<d>-<year>.csv
        Meta Ads Manager exports by day and platform, one per month (UTF-8 BOM,
        summary row first)
  followers.csv   canonical CSV: the follower counts the team notes at the end
                  of each month (no export above gives the total)
  costs.csv       canonical CSV: the team's monthly cost per network

Story:
  * Instagram (@northwind) grows steadily (about +300 followers a month, a
    little faster during the spring campaign) with healthy, stable engagement.
    Its bio links to a Linktree page.
  * Facebook (northwindcoffee) grows slowly until September, then the follower
    count jumps (a batch of bought followers on 2026-09-08, a trickle after it,
    and another batch on 2026-10-13) while engagement stays with the real
    audience, so the engagement rate by followers (`er`) falls.
  * X (@northwindcoffee) is small: about ten posts a month, links to the shop.
    In January and February its engagement dips (the community manager who
    answered replies left; nobody replied until her successor started in
    March) and the account loses followers; it recovers from March.
  * Ads: an always-on traffic campaign on Facebook and Instagram, the
    "Spring blend launch" traffic campaign from 2026-03-16 to 04-30 (mostly on
    Instagram), and the "Summer cold brew" lead-form campaign from 06-15 to
    08-31.
  * The shop sells gift boxes before Christmas: December's social visits buy
    more.
  * GA4 sees the visits: from linktr.ee and `ig` (Instagram ads), from
    l.facebook.com and `fb` (Facebook ads), from t.co (X), and from Google,
    direct and the newsletter.

Same seed, same files: the script uses its own random.Random(SEED) and never the
clock.
"""
import calendar
import codecs
import collections
import csv
import datetime as dt
import io
import os
import random
import shutil

SEED = 20261031
START = dt.date(2025, 11, 1)
END = dt.date(2026, 10, 31)
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")

IG_ACCOUNT_ID = "17841452203917364"
FB_PAGE_ID = "104218373305877"
AD_ACCOUNT_ID = "act_2231487760"

# content plans: the post types rotate through these
IG_TYPES = ["IG reel", "IG image", "IG carousel", "IG image", "IG reel", "IG carousel", "IG image"]
FB_TYPES = ["Photos", "Photos", "Links", "Reels", "Photos", "Links"]

# weekday factor (Mon..Sun): coffee people scroll more at the weekend
WEEKDAY = [0.92, 0.95, 0.97, 1.0, 1.05, 1.12, 1.08]

CAPTIONS = [
    "Fresh roast day: Ethiopia Guji is back ☕",
    "Latte art, round {n}",
    "Behind the roaster with Camille",
    "Five \"secret\" menu items\n(swipe →)",
    "Cold brew, 18 hours, zero shortcuts",
    "Our beans, traced: from the farm to your cup",
    "Weekend at the café, Croix-Rousse",
    "How we cup a new lot, step by step",
    "Pour-over basics, part {n}",
    "Meet the farmers: Finca La Esperanza, Huila",
    "New in the shop: the Lyon blend, 250 g",
    "Rainy day, hot filter coffee",
]


def days():
    d = START
    while d <= END:
        yield d
        d += dt.timedelta(days=1)


def months():
    """(year, month) of every month of the data, in order."""
    out, (y, m) = [], (START.year, START.month)
    while (y, m) <= (END.year, END.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_end(d):
    """The last day of the month holding `d`."""
    return dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def month_index(d):
    """0 for the first month of the data, 11 for the last."""
    return (d.year - START.year) * 12 + d.month - START.month


def in_dates(d, first, last):
    return first <= d <= last


SPRING = (dt.date(2026, 3, 16), dt.date(2026, 4, 30))     # the "Spring blend launch" ads
X_DIP = (dt.date(2026, 1, 5), dt.date(2026, 3, 8))        # nobody answers on X


def post_days(rnd, per_month, phase=0.0, lo=3, hi=5):
    """Publishing days: `per_month` posts in every month, evenly spread, each
    post moved a day earlier or later now and then. A move never leaves the
    month (every month keeps the same number of posts) and every
    Monday-started week keeps `lo` to `hi` posts."""
    days_ = []
    for y, m in months():
        first = dt.date(y, m, 1)
        length = calendar.monthrange(y, m)[1]
        step = length / per_month
        days_ += [first + dt.timedelta(days=int(phase + k * step)) for k in range(per_month)]

    def week(d):
        return (d - (START - dt.timedelta(days=START.weekday()))).days // 7

    def ok(ds):
        counts = collections.Counter(week(d) for d in ds)
        full = [w for w in counts if w not in (week(START), week(END))]
        return len(set(ds)) == len(ds) and all(lo <= counts[w] <= hi for w in full)

    for i, d in enumerate(days_):
        moved = d + dt.timedelta(days=rnd.choice([-1, 0, 0, 1]))
        if (moved.year, moved.month) != (d.year, d.month) or not START <= moved <= END:
            continue
        trial = days_[:i] + [moved] + days_[i + 1:]
        if ok(trial):
            days_ = trial
    assert ok(days_), "posting schedule breaks the posts-a-week rule"
    return sorted(days_)


def shortcode(rnd, n=11):
    abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "".join(rnd.choice(abc) for _ in range(n))


def caption(rnd, n):
    return rnd.choice(CAPTIONS).replace("{n}", str(n % 7 + 1))


def thousands(v):
    """Business Suite writes counts with a thousands separator ("12,400")."""
    return f"{v:,}"


# ---------------------------------------------------------------- Instagram

def instagram(rnd):
    """@northwind: daily follows, month-end follower counts, posts."""
    follows, month_end_followers, posts = {}, {}, []
    followers = 6000
    pdays = set(post_days(rnd, per_month=18, phase=0.0))
    n = 0
    for i, d in enumerate(days()):
        wf = WEEKDAY[d.weekday()]
        # the spring campaign's ads bring a few more follows a day
        boost = 4 if in_dates(d, *SPRING) else 0
        new = max(int(round(rnd.gauss(11 + i * 0.01 + boost, 2.5))), 0)
        lost = max(int(round(rnd.gauss(3.5, 1.2))), 0)
        followers += new - lost
        follows[d] = new
        if d == month_end(d):
            month_end_followers[d] = followers
        if d in pdays:
            n += 1
            kind = IG_TYPES[n % len(IG_TYPES)]
            share = {"IG image": 0.36, "IG reel": 0.44, "IG carousel": 0.40}[kind]
            reach = int(followers * share * wf * rnd.uniform(0.9, 1.1))
            views = int(reach * rnd.uniform(1.3, 1.6) * (1.5 if kind == "IG reel" else 1))
            # the content gets a little better every month (+1 % likes per reach)
            likes = int(reach * rnd.uniform(0.058, 0.066) * (1 + 0.01 * month_index(d)))
            hour, minute = rnd.choice([7, 8, 12, 17, 18, 19]), rnd.choice([0, 15, 30, 45])
            code = shortcode(rnd)
            post = {
                "Post ID": str(17990000000000000 + 7919 * n * n + 104729 * n),
                "Account ID": IG_ACCOUNT_ID,
                "Account username": "northwind",
                "Account name": "Northwind Coffee Roasters",
                "Description": caption(rnd, n),
                "Duration (sec)": str(rnd.randint(12, 45)) if kind == "IG reel" else "",
                "Publish time": f"{d:%m/%d/%Y} {hour:02d}:{minute:02d}",
                "Permalink": f"https://www.instagram.com/{'reel' if kind == 'IG reel' else 'p'}/{code}/",
                "Post type": kind,
                "Data comment": "",
                "Date": "Lifetime",
                "Views": thousands(views),
                "Reach": thousands(reach),
                "Likes": thousands(likes),
                "Shares": thousands(int(reach * rnd.uniform(0.003, 0.006) * (1.6 if kind == "IG reel" else 1))),
                "Follows": str(int(reach * rnd.uniform(0.001, 0.003))),
                "Comments": thousands(int(reach * rnd.uniform(0.005, 0.008))),
                "Saves": thousands(int(reach * rnd.uniform(0.008, 0.014) * (1.5 if kind == "IG carousel" else 1))),
            }
            posts.append((d, post))
    # One post of August that Meta could not measure fully: views, shares and
    # follows are empty ("no value", not zero).
    d, p = [x for x in posts if (x[0].year, x[0].month) == (2026, 8)][5]
    p.update({"Data comment": "Some metrics are not available for this post",
              "Views": "", "Shares": "", "Follows": ""})
    return follows, month_end_followers, posts


IG_POST_HEADER = ["Post ID", "Account ID", "Account username", "Account name", "Description",
                  "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date",
                  "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves"]


# ---------------------------------------------------------------- Facebook

FB_POST_HEADER = [
    "Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time",
    "Caption type", "Permalink", "Is crosspost", "Is share", "Post type", "Languages",
    "Custom labels", "Funded content status", "Data comment", "Date", "Views", "Reach",
    "Reactions, Comments and Shares", "Reactions", "Comments", "Shares", "Total clicks",
    "Link Clicks", "Other Clicks", "Matched Audience Targeting Consumption (Photo Click)",
    "Matched Audience Targeting Consumption (Video Click)",
    "Negative feedback from users: Hide all", "Seconds viewed", "Average Seconds viewed",
    "Estimated earnings (USD)",
]


def facebook(rnd):
    """northwindcoffee: slow organic growth, bought followers in September and
    October that never engage."""
    follows, viewers, month_end_followers, posts = {}, {}, {}, []
    real = 11950      # followers who actually read the page
    bought = 0        # followers that came from a "growth service"
    pdays = set(post_days(rnd, per_month=17, phase=0.8))
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
        follows[d] = new + extra
        # the page's daily reach: only the real audience sees the posts
        viewers[d] = int(real * 0.12 * wf * rnd.uniform(0.9, 1.1))
        if d == month_end(d):
            month_end_followers[d] = real + bought
        if d in pdays:
            n += 1
            kind = FB_TYPES[n % len(FB_TYPES)]
            share = {"Photos": 0.17, "Reels": 0.21, "Links": 0.15}[kind]
            reach = int(real * share * wf * rnd.uniform(0.9, 1.1))
            views = int(reach * rnd.uniform(1.2, 1.4))
            reactions = int(reach * rnd.uniform(0.035, 0.045))
            comments = int(reach * rnd.uniform(0.004, 0.007))
            shares = int(reach * rnd.uniform(0.004, 0.007))
            link = int(reach * rnd.uniform(0.02, 0.03)) if kind == "Links" else None
            other = int(reach * rnd.uniform(0.02, 0.04))
            seconds = int(views * rnd.uniform(5, 9)) if kind == "Reels" else None
            hour, minute = rnd.choice([8, 9, 12, 18, 19]), rnd.choice([0, 10, 30, 45])
            post_id = f"{FB_PAGE_ID}_{1220000000000000 + 4391 * n * n + 7717 * n}"
            story = post_id.split("_")[1]
            permalink = (f"https://www.facebook.com/reel/{900000000000000 + 31337 * n}" if kind == "Reels"
                         else f"https://www.facebook.com/{FB_PAGE_ID}/posts/{story}")
            text = caption(rnd, n)
            if kind == "Links":
                text += ": https://northwindcoffee.com/shop"
            post = {
                "Post ID": story, "Page ID": FB_PAGE_ID, "Page name": "Northwind Coffee Roasters",
                "Title": "", "Description": text,
                "Duration (sec)": str(rnd.randint(15, 60)) if kind == "Reels" else "",
                "Publish time": f"{d:%m/%d/%Y} {hour:02d}:{minute:02d}",
                "Caption type": "", "Permalink": permalink, "Is crosspost": "No", "Is share": "No",
                "Post type": kind, "Languages": "", "Custom labels": "", "Funded content status": "",
                "Data comment": "", "Date": "Lifetime",
                "Views": thousands(views), "Reach": thousands(reach),
                "Reactions, Comments and Shares": thousands(reactions + comments + shares),
                "Reactions": thousands(reactions), "Comments": thousands(comments),
                "Shares": thousands(shares),
                "Total clicks": thousands((link or 0) + other),
                "Link Clicks": "" if link is None else thousands(link),
                "Other Clicks": thousands(other),
                "Matched Audience Targeting Consumption (Photo Click)":
                    thousands(int(other * 0.6)) if kind == "Photos" else "",
                "Matched Audience Targeting Consumption (Video Click)": "",
                "Negative feedback from users: Hide all": str(rnd.choice([0, 0, 0, 1, 2])),
                "Seconds viewed": "" if seconds is None else thousands(seconds),
                "Average Seconds viewed": "" if seconds is None else f"{seconds / views:.2f}",
                "Estimated earnings (USD)": "",
            }
            posts.append((d, post))
    return follows, viewers, month_end_followers, posts


# ---------------------------------------------------------------- X

X_HEADER = ["Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements",
            "Bookmarks", "Shares", "New follows", "Replies", "Reposts", "Profile visits",
            "Detail Expands", "URL Clicks", "Hashtag Clicks", "Permalink Clicks"]


def x_account(rnd):
    month_end_followers, posts = {}, []
    followers = 1900
    pdays = set(post_days(rnd, per_month=10, phase=1.3, lo=1, hi=4))
    n = 0
    for d in days():
        # January and February: nobody answers on X, people engage less, the
        # posts are shown less and some followers leave; March recovers
        dip = in_dates(d, *X_DIP)
        followers += (max(int(round(rnd.gauss(1.5 if dip else 4, 1.5))), 0)
                      - max(int(round(rnd.gauss(2.5 if dip else 1.5, 0.8))), 0))
        if d == month_end(d):
            month_end_followers[d] = followers
        if d in pdays:
            n += 1
            imp = int(followers * rnd.uniform(0.5, 1.3) * (0.75 if dip else 1))
            engage = 0.65 if dip else 1
            likes = int(imp * rnd.uniform(0.010, 0.020) * engage)
            replies = int(imp * rnd.uniform(0.001, 0.003) * engage)
            reposts = int(imp * rnd.uniform(0.002, 0.004) * engage)
            bookmarks = int(imp * rnd.uniform(0.0005, 0.002))
            shares = int(imp * rnd.uniform(0.0, 0.001))
            visits = int(imp * rnd.uniform(0.002, 0.005))
            expands = int(imp * rnd.uniform(0.006, 0.012))
            url = int(imp * rnd.uniform(0.008, 0.016))
            hashtag = int(imp * rnd.uniform(0.0, 0.001))
            permalink = int(imp * rnd.uniform(0.0, 0.001))
            post_id = str(2052000000000000000 + 1000003 * n * n + 7 * n)
            text = caption(rnd, n) + " https://northwindcoffee.com/shop"
            posts.append((d, {
                "Post id": post_id, "Date": f"{d:%a, %b} {d.day}, {d.year}", "Post text": text,
                "Post Link": f"https://x.com/northwindcoffee/status/{post_id}",
                "Impressions": thousands(imp), "Likes": str(likes),
                "Engagements": str(likes + replies + reposts + bookmarks + shares + visits + expands
                                   + url + hashtag + permalink),
                "Bookmarks": str(bookmarks), "Shares": str(shares),
                "New follows": str(int(imp * rnd.uniform(0.0, 0.0015))),
                "Replies": str(replies), "Reposts": str(reposts), "Profile visits": str(visits),
                "Detail Expands": str(expands), "URL Clicks": str(url),
                "Hashtag Clicks": str(hashtag), "Permalink Clicks": str(permalink),
            }))
    return month_end_followers, posts


# ---------------------------------------------------------------- Meta Ads

ADS_HEADER = ["Day", "Campaign name", "Ad set name", "Ad name", "Ad ID", "Platform",
              "Amount spent (EUR)", "Results", "Result indicator", "Cost per result", "Reach",
              "Impressions", "Frequency", "Link clicks", "CTR (all)", "Post engagements",
              "Reporting starts", "Reporting ends"]

CAMPAIGNS = [
    # name, ad set, ad, ad id, first day, last day, result indicator, EUR a day per platform
    ("Always-on: shop traffic", "Coffee lovers FR 25-54", "Bean of the month", "120210553870140512",
     START, END, "actions:link_click", {"facebook": (10, 14), "instagram": (17, 23)}),
    ("Spring blend launch", "Lyon + Paris 22-45", "The Lyon blend, 15 s", "120210553870141203",
     SPRING[0], SPRING[1], "actions:link_click", {"facebook": (5, 8), "instagram": (16, 24)}),
    ("Summer cold brew", "Lyon 20 km 18-45", "Cold brew lead form", "120210553870140877",
     dt.date(2026, 6, 15), dt.date(2026, 8, 31), "actions:lead", {"facebook": (7, 11), "instagram": (11, 15)}),
]


def meta_ads(rnd):
    """Rows of the Ads Manager export by day and platform."""
    rows = []
    for d in days():
        for name, adset, ad, ad_id, first, last, indicator, budget in CAMPAIGNS:
            if not first <= d <= last:
                continue
            for platform in ("facebook", "instagram"):
                spend = round(rnd.uniform(*budget[platform]), 2)
                cpm = rnd.uniform(6.5, 9.0) if platform == "facebook" else rnd.uniform(5.0, 7.0)
                impressions = int(spend / cpm * 1000)
                reach = int(impressions / rnd.uniform(1.3, 1.8))
                if indicator == "actions:lead":
                    clicks = int(impressions * rnd.uniform(0.002, 0.004))
                    results = int(round(spend / rnd.uniform(3.5, 6.0)))
                else:
                    clicks = int(impressions * rnd.uniform(0.009, 0.014))
                    results = clicks
                rows.append({
                    "Day": d.isoformat(), "Campaign name": name, "Ad set name": adset,
                    "Ad name": ad, "Ad ID": ad_id, "Platform": platform,
                    "Amount spent (EUR)": f"{spend:.2f}", "Results": str(results),
                    "Result indicator": indicator,
                    "Cost per result": f"{spend / results:.6f}" if results else "",
                    "Reach": str(reach), "Impressions": str(impressions),
                    "Frequency": f"{impressions / reach:.6f}" if reach else "",
                    "Link clicks": str(clicks) if clicks else "",
                    "CTR (all)": f"{clicks / impressions * 100 * rnd.uniform(1.3, 1.6):.6f}" if impressions else "",
                    "Post engagements": str(int(impressions * rnd.uniform(0.02, 0.04))),
                    "Reporting starts": d.isoformat(), "Reporting ends": d.isoformat(),
                })
    return rows


# ---------------------------------------------------------------- GA4

GA4_HEADER = ["Session source", "Date", "Sessions", "Engaged sessions", "Engagement rate",
              "Average engagement time per session", "Events per session", "Event count",
              "Key events", "Total revenue"]


def ga4(rnd, ads_rows):
    """One row per session source and day: (source, day, sessions, engaged,
    engagement seconds, events, key events, revenue)."""
    ad_clicks = collections.Counter()
    for r in ads_rows:
        if r["Link clicks"]:
            ad_clicks[(r["Day"], r["Platform"])] += int(r["Link clicks"])
    rows = []
    for i, d in enumerate(days()):
        wf = WEEKDAY[d.weekday()]
        trend = 1 + (i - 181) * 0.0015   # 1 on 2026-05-01
        base = {
            "google": 330 * trend * (2.05 - wf),
            "(direct)": 190 * trend,
            "linktr.ee": 62 * trend * wf,          # the Instagram bio link
            "l.facebook.com": 38 * wf,
            "t.co": 11 * trend,
            "ig": 0.8 * ad_clicks[(d.isoformat(), "instagram")],
            "fb": 0.8 * ad_clicks[(d.isoformat(), "facebook")],
        }
        if d.weekday() == 3:  # the newsletter goes out on Thursdays
            base["newsletter"] = 140
        elif d.weekday() == 4:
            base["newsletter"] = 45
        # (bounce = not engaged, engagement seconds, key events per session, EUR per order)
        quality = {
            "google": (0.36, 58, 0.028), "(direct)": (0.30, 66, 0.040),
            "newsletter": (0.25, 75, 0.055), "linktr.ee": (0.41, 47, 0.026),
            "l.facebook.com": (0.47, 40, 0.019), "t.co": (0.55, 31, 0.015),
            "ig": (0.60, 24, 0.012), "fb": (0.58, 27, 0.013),
        }
        # gift boxes: from 1 to 22 December more visits end with an order
        gifts = 1.6 if dt.date(2025, 12, 1) <= d <= dt.date(2025, 12, 22) else 1
        for source, mean in base.items():
            sessions = int(mean * rnd.uniform(0.85, 1.15))
            if sessions == 0:
                continue  # GA4 leaves out a source without sessions that day
            bounce, secs, rate = quality[source]
            # the shop converts a little better every month (+1.5 %), and more before Christmas
            rate *= gifts * (1 + 0.015 * month_index(d))
            engaged = int(round(sessions * (1 - bounce * rnd.uniform(0.9, 1.1))))
            eng_time = sessions * secs * rnd.uniform(0.85, 1.15)
            events = int(sessions * rnd.uniform(4.0, 6.5))
            keys = int(round(sessions * rate * rnd.uniform(0.7, 1.3)))
            # an order is about 58 EUR; a gift box in December about 80 EUR
            basket = 80 if gifts > 1 else 58
            revenue = round(keys * basket * rnd.uniform(0.9, 1.1), 2)
            rows.append((source, d, sessions, engaged, eng_time, events, keys, revenue))
    return rows


def ga4_number(v):
    """GA4 writes floats in full ("0.5434782608695652") and whole numbers bare."""
    return repr(float(v)) if v != int(v) else str(int(v))


def write_ga4(rows, first, last):
    mine = [r for r in rows if first <= r[1] <= last]
    mine.sort(key=lambda r: (-r[2], r[1], r[0]))  # GA4 sorts by sessions
    tot = [sum(r[k] for r in mine) for k in range(2, 8)]
    out = io.StringIO()
    out.write("# ----------------------------------------\n"
              "# Traffic acquisition: Session source\n"
              "# Account: Northwind Coffee Roasters\n"
              "# Property: northwindcoffee.com - GA4\n"
              "# ----------------------------------------\n"
              "#\n"
              "# All Users\n"
              f"# Start date: {first:%Y%m%d}\n"
              f"# End date: {last:%Y%m%d}\n")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(GA4_HEADER)

    def cells(sessions, engaged, eng_time, events, keys, revenue):
        return [str(sessions), str(engaged), ga4_number(engaged / sessions),
                ga4_number(eng_time / sessions), ga4_number(events / sessions), str(events),
                str(keys), ga4_number(round(revenue, 2))]

    w.writerow(["Grand total", ""] + cells(*tot))
    for source, d, *vals in mine:
        w.writerow([source, f"{d:%Y%m%d}"] + cells(*vals))
    # the chart's series: not data (kpiscope stops at the blank line)
    out.write("\n# ----------------------------------------\n#\n# All Users\n"
              f"# Start date: {first:%Y%m%d}\n# End date: {last:%Y%m%d}\n")
    w.writerow(["Nth day", "Session source", "Sessions"])
    for k in range((last - first).days + 1):
        d = first + dt.timedelta(days=k)
        for source, _, sessions, *_ in sorted((r for r in mine if r[1] == d), key=lambda r: -r[2])[:3]:
            w.writerow([f"{k:04d}", source, str(sessions)])
    write_text(f"ga4/Traffic_acquisition_Session_source_{first:%Y%m%d}-{last:%Y%m%d}.csv",
               out.getvalue())


# ---------------------------------------------------------------- writing

def write_text(path, text, encoding="utf-8"):
    path = os.path.join(DATA, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        if encoding == "utf-16-le":
            f.write(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
        elif encoding == "utf-8-sig":
            f.write(codecs.BOM_UTF8 + text.encode("utf-8"))
        else:
            f.write(text.encode("utf-8"))


def csv_text(header, rows, quote_all=False, terminator="\n"):
    out = io.StringIO()
    w = csv.writer(out, lineterminator=terminator,
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow([r[h] for h in header] if isinstance(r, dict) else r)
    return out.getvalue()


def export_name(first, last, ident):
    """Business Suite's download name: May-01-2026_May-31-2026_<id>.csv"""
    return f"{first:%b-%d-%Y}_{last:%b-%d-%Y}_{ident}.csv"


def write_posts(folder, header, posts, ident):
    for y, m in months():
        first = dt.date(y, m, 1)
        last = month_end(first)
        rows = [p for d, p in posts if first <= d <= last]
        write_text(f"{folder}/{export_name(first, last, ident)}", csv_text(header, rows), "utf-8-sig")


def write_series(path, title, values, first, last):
    """A Business Suite daily series: UTF-16LE, sep=, title line, Date/Primary;
    days with 0 are left out, as Business Suite does."""
    rows = [[f"{d:%Y-%m-%d}T00:00:00", str(v)] for d, v in sorted(values.items())
            if first <= d <= last and v != 0]
    text = "sep=,\r\n" + f'"{title}"\r\n' + csv_text(["Date", "Primary"], rows, quote_all=True,
                                                       terminator="\r\n")
    write_text(path, text, "utf-16-le")


def main():
    rnd = random.Random(SEED)
    ig_follows, ig_followers, ig_posts = instagram(rnd)
    fb_follows, fb_viewers, fb_followers, fb_posts = facebook(rnd)
    x_followers, x_posts = x_account(rnd)
    ads = meta_ads(rnd)
    web = ga4(rnd, ads)

    if os.path.isdir(DATA):
        shutil.rmtree(DATA)

    write_posts("instagram/posts", IG_POST_HEADER, ig_posts, IG_ACCOUNT_ID)
    write_posts("facebook/posts", FB_POST_HEADER, fb_posts, FB_PAGE_ID)

    # Instagram: one download a quarter (of the data's year, November to October)
    quarters = [(dt.date(2025, 11, 1), dt.date(2026, 1, 31)), (dt.date(2026, 2, 1), dt.date(2026, 4, 30)),
                (dt.date(2026, 5, 1), dt.date(2026, 7, 31)), (dt.date(2026, 8, 1), dt.date(2026, 10, 31))]
    for first, last in quarters:
        write_series(f"instagram/daily/{first}_{last}/Follows.csv", "Instagram follows",
                     ig_follows, first, last)
    # Facebook: three downloads; the third starts on 07-01, so July is in two of
    # them, and counts once.
    for first, last in ((START, dt.date(2026, 2, 28)), (dt.date(2026, 3, 1), dt.date(2026, 7, 31)),
                        (dt.date(2026, 7, 1), END)):
        write_series(f"facebook/daily/{first}_{last}/Follows.csv", "Facebook follows",
                     fb_follows, first, last)
        write_series(f"facebook/daily/{first}_{last}/Viewers.csv", "Viewers",
                     fb_viewers, first, last)

    for y, m in months():
        first = dt.date(y, m, 1)
        last = month_end(first)
        rows = [p for d, p in x_posts if first <= d <= last]
        rows.reverse()  # newest first, as x.com lists them
        write_text(f"x/account_analytics_content_{first}_{last}.csv", csv_text(X_HEADER, rows))

        month_ads = [r for r in ads if r["Day"].startswith(f"{first:%Y-%m}")]
        summary = {h: "" for h in ADS_HEADER}
        summary.update({
            "Amount spent (EUR)": f"{sum(float(r['Amount spent (EUR)']) for r in month_ads):.2f}",
            "Reach": str(sum(int(r["Reach"]) for r in month_ads)),
            "Impressions": str(sum(int(r["Impressions"]) for r in month_ads)),
            "Link clicks": str(sum(int(r["Link clicks"] or 0) for r in month_ads)),
            "Post engagements": str(sum(int(r["Post engagements"]) for r in month_ads)),
            "Reporting starts": first.isoformat(), "Reporting ends": last.isoformat(),
        })
        name = f"meta_ads/Northwind-Ads-{first:%b}-1-{y}-{last:%b}-{last.day}-{y}.csv"
        write_text(name, csv_text(ADS_HEADER, [summary] + month_ads), "utf-8-sig")

        write_ga4(web, first, last)

    followers = ([(d, "instagram", "northwind", v) for d, v in ig_followers.items()]
                 + [(d, "facebook", "northwindcoffee", v) for d, v in fb_followers.items()]
                 + [(d, "x", "northwindcoffee", v) for d, v in x_followers.items()])
    write_text("followers.csv", csv_text(["date", "network", "account", "followers"],
                                         [[d.isoformat(), n, a, str(v)] for d, n, a, v in sorted(followers)]))

    # the team's monthly cost (params.monthly_team_cost = 3200), by the time it spends per network
    split = [("instagram", "northwind", 1400), ("facebook", "northwindcoffee", 1400),
             ("x", "northwindcoffee", 400)]
    write_text("costs.csv", csv_text(["date", "network", "account", "cost"],
                                     [[f"{y}-{m:02d}-01", n, a, f"{c:.2f}"] for y, m in months()
                                      for n, a, c in split]))


if __name__ == "__main__":
    main()
