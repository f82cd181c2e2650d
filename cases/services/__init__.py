"""Writes of the period data. Each grid is saved whole or not at all.

`settings` creates the county's settings and age groups (with the county) and saves them,
`reporting` holds the checks every save makes, and `victims`, `street` and `employment` the
saves of each kind of figures. Services read through `cases.selectors`; selectors never
import services.
"""
