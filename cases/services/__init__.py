"""Writes of the period data. Each grid is saved whole or not at all.

`settings` holds the county's settings and age groups, `reporting` who may report what (and
what every save does after it), and `victims`, `street` and `employment` the saves of each
kind of figures.
"""
