"""Usage: the calls the video side records, their simulation, and the reports on them.

- ``api``: request and response bodies of the calls and reports API;
- ``record``: recording one call (``POST /calls``);
- ``stats``: calls → counts, minutes, median and 90th-percentile wait, busiest hour;
- ``reports``: the per-unit and organisation-wide reports (who may read what, too);
- ``simulate``: realistic, seeded usage for an organisation (``vcplatform usage simulate``).

Statistics are computed in Python, not SQL, so SQLite and PostgreSQL give the same numbers.
"""
