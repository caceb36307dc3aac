#!/usr/bin/env python3
"""Writes redownload/x/: October's X export as downloaded again a week later.

X keeps counting a post's impressions for days after it is published, so an
export downloaded on 1 November and one downloaded on 8 November disagree:
here every October post has 10% more impressions (rounded), the other columns
unchanged. The demo's README uses it to show a restated figure: x-ctr for
October falls from 1.07% to 0.97%, from pass to warn.

Run from examples/demo: python3 tools/redownload.py
"""
import csv
import io

NAME = "account_analytics_content_2026-10-01_2026-10-31.csv"

with open(f"data/x/{NAME}", newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
col = header.index("Impressions")
for r in body:
    n = int(r[col].replace(",", ""))
    r[col] = f"{round(n * 1.1):,}"
out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
w.writerow(header)
w.writerows(body)
with open(f"redownload/x/{NAME}", "w", newline="", encoding="utf-8") as f:
    f.write(out.getvalue())
