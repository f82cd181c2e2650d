"""Pages of the period data: summaries for readers, grids for reporting institutions.

`county` holds the county's pages (home, settings); `victims`, `street` and `employment` the
pages of each kind of figures; `common`, `imports` and `exports` what those pages share.
"""
