"""Realistic, reproducible data at a chosen scale, for the benchmark (`make bench`,
`python -m bench.data --scale=N`, `bench.data.core.generate`), built with the tests'
factories (tests/factories.py and tests/<app>/factories.py): they say what a valid record
is, this package only says how many there are and how they vary.

Scale 1 is one county-year as a busy prefecture has it: 40 institutions with their
representatives and three periods (`core.py`), then each app's part for that county-year
(`meetings.py`: 10 meetings; `actionplan.py`: a 120-activity plan and 150 awareness events;
`cases.py`: victims grids, 300 street-children interventions, employment funnels) and the
institutions' submissions (`core.py`). Scale N < 4 is N counties for one year; 4 to 9 is
two years in each of ceil(N / 2) counties; 10 and above is the national installation the
issue describes: all twelve counties, each with ceil(N / 5) years (scale 10: 12 counties ×
2 years). The same seed always gives the same data.

Records are built with the factories' `.build()` and most are saved with `bulk_create`
(no history rows: the benchmark measures pages, not the record of changes); a sample of
each kind passes `full_clean()`.
"""
