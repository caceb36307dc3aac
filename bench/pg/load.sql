-- ROWS post-level rows in social.post_metrics (bench/pg/run.sh runs this with
-- psql -v rows=N). The distribution is /work/shared/bench/gen_posts.py's
-- (400 accounts on 8 networks, 24 months from 2024-01-01, followers growing
-- with the day, reach 2-40% of followers, 0.1% zero reaches, 0.3% of rows with
-- one empty metric), drawn with PostgreSQL's random() after setseed(), so the
-- same rows every run on one PostgreSQL version (not gen_posts.py's rows:
-- Python's generator is not PostgreSQL's). Added: a published_at time of
-- day, and a campaign (40% none) for the dimension mapping.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE SCHEMA IF NOT EXISTS social;
DROP TABLE IF EXISTS social.post_metrics;
-- Created in the loading transaction: with wal_level = minimal the rows are
-- not written to the WAL.
CREATE TABLE social.post_metrics (
    published_at    timestamptz NOT NULL,
    network         text NOT NULL,
    account_id      text NOT NULL,
    post_id         text NOT NULL,
    campaign        text,
    followers_count bigint,
    impressions     bigint,
    reach           bigint,
    likes           bigint,
    comments        bigint,
    shares          bigint,
    clicks          bigint,
    spend           numeric(12, 2),
    leads           bigint
);
SELECT setseed(0.126) AS seeded \gset
CREATE TEMP TABLE acct ON COMMIT DROP AS
SELECT i,
       (ARRAY['facebook','instagram','x','linkedin','tiktok','youtube','vk','telegram'])[i % 8 + 1] AS network,
       'acct' || lpad(i::text, 4, '0') AS account_id,
       500 + floor(random() * 199501)::bigint AS base
FROM generate_series(0, 399) AS i;
INSERT INTO social.post_metrics
SELECT timestamptz '2024-01-01 00:00:00+00' + x.d * interval '1 day' + floor(x.r_sec * 86400) * interval '1 second',
       a.network, a.account_id, 'p' || x.g,
       CASE WHEN x.r_camp < 0.4 THEN NULL
            ELSE (ARRAY['spring','summer','autumn','winter','launch'])[1 + floor(x.r_camp2 * 5)::int] END,
       f.followers,
       CASE WHEN x.empty = 0 THEN NULL ELSE m1.impressions END,
       CASE WHEN x.empty = 1 THEN NULL ELSE r.reach END,
       CASE WHEN x.empty = 2 THEN NULL ELSE m1.likes END,
       CASE WHEN x.empty = 3 THEN NULL ELSE m2.comments END,
       CASE WHEN x.empty = 4 THEN NULL ELSE m2.shares END,
       CASE WHEN x.empty = 5 THEN NULL ELSE m2.clicks END,
       CASE WHEN x.empty = 6 THEN NULL
            WHEN x.r_sp1 < 0.3 THEN round((x.r_sp2 * 40)::numeric, 2) ELSE 0 END,
       CASE WHEN x.empty = 7 THEN NULL ELSE floor(m2.clicks * x.r_leads * 0.05)::bigint END
FROM (
    SELECT g,
           floor(random() * 400)::int AS a, floor(random() * 729)::int AS d,
           random() AS r_reach, random() AS r_zero, random() AS r_imp, random() AS r_likes,
           random() AS r_com, random() AS r_sh, random() AS r_cl, random() AS r_sp1,
           random() AS r_sp2, random() AS r_leads, random() AS r_sec, random() AS r_camp,
           random() AS r_camp2,
           CASE WHEN random() < 0.003 THEN floor(random() * 8)::int ELSE -1 END AS empty
    FROM generate_series(0, :rows - 1) AS g
) AS x
JOIN acct AS a ON a.i = x.a
CROSS JOIN LATERAL (SELECT a.base + x.d * (a.base / 1000 + 1) AS followers) AS f
CROSS JOIN LATERAL (SELECT CASE WHEN x.r_zero < 0.001 THEN 0
                                ELSE floor(f.followers * (0.02 + x.r_reach * 0.38))::bigint END AS reach) AS r
CROSS JOIN LATERAL (SELECT floor(r.reach * (1 + x.r_imp * 1.5))::bigint AS impressions,
                           floor(r.reach * x.r_likes * 0.08)::bigint AS likes) AS m1
CROSS JOIN LATERAL (SELECT floor(m1.likes * x.r_com * 0.15)::bigint AS comments,
                           floor(m1.likes * x.r_sh * 0.2)::bigint AS shares,
                           floor(m1.impressions * x.r_cl * 0.03)::bigint AS clicks) AS m2;
-- The identity of kpiscope's duplicate rule: one row per post.
ALTER TABLE social.post_metrics ADD PRIMARY KEY (network, account_id, post_id);
-- The planner's estimate of the cells: without it, it takes each (network,
-- account, month) to be nearly a row of its own (16M groups for 9,600 at 20M
-- rows) and aggregates on one core instead of in parallel. Only for this
-- expression (months in UTC), as a warehouse would add for its own queries.
CREATE STATISTICS social.post_metrics_cells (ndistinct)
    ON network, account_id, date_trunc('month', published_at AT TIME ZONE 'UTC') FROM social.post_metrics;
COMMIT;
VACUUM (ANALYZE) social.post_metrics;
