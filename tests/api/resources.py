"""The API's list resources, each tested for its schema entry and its query count."""

LIST_RESOURCES = [
    "institutions",
    "periods",
    "submissions",
    "meetings",
    "decisions",
    "events",
    "progress",
    "victim-grids",
    "employment-grids",
    "street-interventions",
    "age-groups",
]
