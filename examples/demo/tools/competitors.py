#!/usr/bin/env python3
"""The demo's competitor panel (issue 16), deterministic, and its values by hand.

usage: python3 tools/competitors.py          (from examples/demo/, or anywhere)

Writes, for the six months 2026-05 to 2026-10, Instagram only:

  competitors/popsters/<account>.csv
        a Popsters post export of each competitor's Instagram profile
        (English headers: Date,Link,Text,Type,Likes,Reposts,Comments,Views,ER,
        ERview; three posts a month; Instagram shows no reposts: 0)
  competitors/tracker.csv
        canonical CSV kept by hand from the competitors' public profiles: the
        follower count at each month's end and the month's mentions (from the
        team's social-listening tool)
  listening/mentions.csv
        canonical CSV: the brand's own Instagram mentions per month, from the
        same listening tool

and prints the panel's values (ER by followers per account and month, the
ranks, the competitors' median, the share of voice) computed here from these
numbers and, for @northwind, from EXPECTED.md's engagements and followers;
EXPECTED.md's "Competitor panel" section is this output.
"""

import os
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
MONTHS = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
ENDS = ["31", "30", "31", "31", "30", "31"]

# Per competitor: followers at each month's end, the month's engagement
# rate by followers in per mille (the posts are made to add up to it), and
# the month's mentions.
COMPETITORS = {
    "bluebird_coffee": {
        "followers": [14200, 14450, 14700, 14980, 15260, 15540],
        "er_permille": [600, 610, 590, 620, 610, 620],
        "mentions": [230, 236, 229, 241, 244, 250],
    },
    "copper_kettle": {
        "followers": [4800, 4890, 4975, 5060, 5180, 5300],
        "er_permille": [410, 395, 420, 405, 398, 400],
        "mentions": [80, 84, 86, 88, 91, 95],
    },
    "daily_grind": {
        "followers": [21000, 21300, 21600, 21900, 22200, 22500],
        "er_permille": [170, 175, 182, 178, 176, 180],
        "mentions": [140, 142, 145, 146, 148, 150],
    },
}
OWN_MENTIONS = [150, 160, 158, 170, 175, 182]
# @northwind's engagements and followers per month: EXPECTED.md ("KPIs by
# month", worked out from the post exports and followers.csv).
OWN = {
    "2026-05": None,
    "2026-06": None,
    "2026-07": None,
    "2026-08": None,
    "2026-09": (5142, 9181),
    "2026-10": (5470, 9517),
}
SHARES = [Fraction(45, 100), Fraction(35, 100), Fraction(20, 100)]
DAYS = ["05", "15", "25"]
TEXTS = [
    ("Photo", "New single origin on the shelf"),
    ("Video", "Latte art in 15 seconds"),
    ("Carousel", "Our baristas' picks of the month"),
]


def posts(account, m):
    """The month's three posts: (day, likes, comments, views)."""
    c = COMPETITORS[account]
    eng = c["followers"][m] * c["er_permille"][m] // 1000
    out = []
    left = eng
    for i, share in enumerate(SHARES):
        total = left if i == 2 else int(eng * share)
        left -= total
        comments = total // 12
        likes = total - comments
        views = likes * 9 if TEXTS[i][0] == "Video" else None
        out.append((DAYS[i], likes, comments, views))
    return out


def write():
    os.makedirs(os.path.join(DATA, "competitors", "popsters"), exist_ok=True)
    os.makedirs(os.path.join(DATA, "listening"), exist_ok=True)
    for account, c in COMPETITORS.items():
        rows = []
        for m, month in enumerate(MONTHS):
            for i, (day, likes, comments, views) in enumerate(posts(account, m)):
                kind, text = TEXTS[i]
                link = f"https://www.instagram.com/p/{account[:4]}{month.replace('-', '')}{i}/"
                er = (likes + comments) / c["followers"][m] * 100
                erview = "" if views is None else f"{(likes + comments) / views * 100:.2f}%"
                rows.append(
                    f'{month}-{day} 10:{10 * i:02d},{link},{text},{kind},"{likes:,}",0,{comments},'
                    + ("" if views is None else f'"{views:,}"')
                    + f",{er:.2f}%,{erview}"
                )
        rows.reverse()  # Popsters lists the newest first
        with open(os.path.join(DATA, "competitors", "popsters", f"{account}.csv"), "w") as f:
            f.write("Date,Link,Text,Type,Likes,Reposts,Comments,Views,ER,ERview\n")
            f.write("\n".join(rows) + "\n")
    with open(os.path.join(DATA, "competitors", "tracker.csv"), "w") as f:
        f.write("date,network,account,followers,mentions\n")
        for m, month in enumerate(MONTHS):
            for account, c in COMPETITORS.items():
                f.write(f"{month}-{ENDS[m]},instagram,{account},{c['followers'][m]},{c['mentions'][m]}\n")
    with open(os.path.join(DATA, "listening", "mentions.csv"), "w") as f:
        f.write("date,network,account,mentions\n")
        for m, month in enumerate(MONTHS):
            f.write(f"{month}-{ENDS[m]},instagram,northwind,{OWN_MENTIONS[m]}\n")


def section():
    """EXPECTED.md's "Competitor panel" section, as markdown."""
    w = ["## Competitor panel (Instagram, `role = \"competitor\"`)", ""]
    w.append("From `tools/competitors.py`: the competitors' Popsters exports (likes and comments")
    w.append("of their posts; Instagram shows no reposts) and `data/competitors/tracker.csv`")
    w.append("(followers at each month's end, mentions); @northwind's engagements and")
    w.append("followers as above. None of it changes a Northwind figure.")
    w.append("")
    w.append("| month | account | followers | likes | comments | engagements | er |")
    w.append("|---|---|---:|---:|---:|---:|---:|")
    for m, month in enumerate(MONTHS):
        for account, c in COMPETITORS.items():
            ps = posts(account, m)
            likes = sum(p[1] for p in ps)
            comments = sum(p[2] for p in ps)
            er = Fraction(likes + comments, c["followers"][m]) * 100
            w.append(f"| {month} | {account} | {c['followers'][m]} | {likes} | {comments} | {likes + comments} | {float(er):.4f} |")
    w.append("")
    w.append("| month | ER ranking (1 = best) | northwind | competitors' median | northwind / median | own mentions | competitors' mentions | share_of_voice |")
    w.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for month in ["2026-09", "2026-10"]:
        m = MONTHS.index(month)
        eng, fol = OWN[month]
        ers = {"northwind": Fraction(eng, fol) * 100}
        for account, c in COMPETITORS.items():
            ps = posts(account, m)
            ers[account] = Fraction(sum(p[1] + p[2] for p in ps), c["followers"][m]) * 100
        ranked = sorted(ers.items(), key=lambda kv: -kv[1])
        theirs = sorted(v for k, v in ers.items() if k != "northwind")
        median = theirs[1]
        own_m = OWN_MENTIONS[m]
        panel_m = sum(c["mentions"][m] for c in COMPETITORS.values())
        rank = [k for k, _ in ranked].index("northwind") + 1
        ranking = ", ".join(f"{i + 1}. {k} {float(v):.4f}" for i, (k, v) in enumerate(ranked))
        sov = Fraction(own_m, own_m + panel_m) * 100
        w.append(f"| {month} | {ranking} | rank {rank} of {len(ranked)} | {float(median):.4f} | "
                 f"{float(ers['northwind'] / median):.4f}x | {own_m} | {panel_m} | {float(sov):.4f} |")
    w.append("")
    w.append("Goals (2026-10; with `--to 2026-09-30`, 2026-09):")
    w.append("")
    w.append("| goal | rule | 2026-10 | status | 2026-09 | status |")
    w.append("|---|---|---:|---|---:|---|")
    w.append("| `ig-er-rank` | `er` rank <= 2 among @northwind and the 3 competitors | rank 2 of 4 | **pass** | rank 2 of 4 | **pass** |")
    w.append("| `ig-er-vs-median` | `er` >= 1.2x the competitors' median | 1.4369x | **pass** | 1.4076x | **pass** |")
    w.append("| `ig-share-of-voice` | `share_of_voice` >= 25 (warn >= 20), network instagram | 26.8833 | **pass** | 26.5957 | **pass** |")
    return "\n".join(w) + "\n"


if __name__ == "__main__":
    write()
    print(section(), end="")
