"""Team work: assigning documents with overlap, progress, coder copies and merging them back.

Qt-free; the lead's dialog (:mod:`annotator.ui.team_dialog`) and the commands
(:mod:`annotator.team.command`) are faces over these modules. docs/reliability.md describes the
rules and the tests that prove them.
"""
