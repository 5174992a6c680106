"""The Arabic font chain: a bundled Noto Sans Arabic first, so every machine renders alike."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QFontDatabase

# Fallbacks after the bundled face: common Arabic-capable system fonts, then Qt's generic sans.
FALLBACKS = ["Noto Naskh Arabic", "Amiri", "Arial", "Tahoma", "DejaVu Sans", "Sans Serif"]


def arabic_families() -> list[str]:
    """Register the bundled font (once per process) and return the family chain to use."""
    families: list[str] = []
    try:
        folder = resources.files("fontpkg_noto_sans_arabic") / "files"
        for entry in folder.iterdir():
            if entry.name.endswith((".ttf", ".otf")):
                with resources.as_file(entry) as path:
                    font_id = QFontDatabase.addApplicationFont(str(path))
                families += QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    except ModuleNotFoundError:
        pass  # the system fonts below still cover Arabic
    return list(dict.fromkeys(families + FALLBACKS))
