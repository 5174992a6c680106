"""A team's project on a PostgreSQL server: the ``annotator server`` commands (docs/team-server.md).

The store does the work (:mod:`annotator.store.postgres`, :mod:`annotator.store.pg_rights`,
:mod:`annotator.store.transfer`); this package is the command line over it.
"""
