"""Per-coder progress, as the lead sees it in ``annotator status`` and in the team dialog."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.store import Project
from annotator.store.team import CoderProgress
from annotator.team.merge import open_conflicts

COLUMNS = ("coder", "role", "assigned", "done", "in progress", "todo", "skipped", "time", "spans", "last change")


@dataclass(frozen=True)
class TeamStatus:
    coders: list[CoderProgress]
    sample: int  # documents assigned to two or more coders
    sample_done: int  # of which two or more coders marked done
    copies_out: list[tuple[str, str, str, str]]  # pack id, coder, file, when
    conflicts: int


def team_status(project: Project) -> TeamStatus:
    sample, sample_done = project.sample_progress()
    return TeamStatus(project.coder_progress(), sample, sample_done, project.packs_out(),
                      len(open_conflicts(project)))


def hours(seconds: float) -> str:
    """Time spent as h:mm (minutes rounded down; under a minute shows 0:00)."""
    minutes = int(seconds // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def progress_cells(p: CoderProgress) -> tuple[str, ...]:
    """One row of the progress table, as text (the command and the dialog show the same)."""
    return (p.coder, p.role, str(p.assigned), str(p.done), str(p.in_progress), str(p.todo), str(p.skipped),
            hours(p.seconds), str(p.annotations), (p.last_change or "")[:16].replace("T", " "))


def render_status(status: TeamStatus) -> str:
    rows = [COLUMNS] + [progress_cells(p) for p in status.coders]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))).rstrip()
             for r in rows]
    lines.append(f"reliability sample: {status.sample} documents assigned to two or more coders, "
                 f"{status.sample_done} finished by two or more")
    for pack_id, coder, file, at in status.copies_out:
        lines.append(f"copy out: {file} for {coder} (pack {pack_id[:8]}, {at[:16].replace('T', ' ')}), not merged yet")
    if status.conflicts:
        lines.append(f"{status.conflicts} merge conflicts wait for the lead: annotator merge --conflicts")
    return "\n".join(lines)
