"""Why Qt's window would not start on Linux, found before Qt starts (no Qt import here).

When no platform plugin loads, Qt prints a hint that names only ``libxcb-cursor0`` and aborts
the process, so the failure cannot be caught afterwards.  :func:`startup_problem` runs first:
with no display at all it says so; when Qt will use its X11 plugin (xcb) it runs ``ldd`` once on
PySide6's ``libqxcb.so`` (ldd follows libQt6XcbQpa and Qt's other libraries too), maps each
library reported "not found" to its Debian/Ubuntu and Fedora package, and returns the one
install command for the distribution named in /etc/os-release.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

OS_RELEASE = Path("/etc/os-release")
LDD_TIMEOUT_S = 10.0
DEBIAN, FEDORA = "debian", "fedora"
INSTALL = {DEBIAN: ("Debian/Ubuntu", "sudo apt install"), FEDORA: ("Fedora", "sudo dnf install")}
# Distribution ids (ID, ID_LIKE in os-release) that use each family's package names.
FAMILY_IDS = {DEBIAN: {"debian", "ubuntu"}, FEDORA: {"fedora", "rhel", "centos"}}

# soname -> (Debian/Ubuntu package, Fedora package), for libqxcb.so and everything ldd lists under it.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libXau.so.6": ("libxau6", "libXau"),
    "libXdmcp.so.6": ("libxdmcp6", "libXdmcp"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libpng16.so.16": ("libpng16-16", "libpng"),
    "libexpat.so.1": ("libexpat1", "expat"),
    "libbrotlidec.so.1": ("libbrotli1", "libbrotli"),
    "libbrotlicommon.so.1": ("libbrotli1", "libbrotli"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libsystemd.so.0": ("libsystemd0", "systemd-libs"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libGLdispatch.so.0": ("libglvnd0", "libglvnd"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libpcre2-8.so.0": ("libpcre2-8-0", "pcre2"),
    "libz.so.1": ("zlib1g", "zlib"),
    "libzstd.so.1": ("libzstd1", "libzstd"),
    "liblzma.so.5": ("liblzma5", "xz-libs"),
    "liblz4.so.1": ("liblz4-1", "lz4-libs"),
    "libbsd.so.0": ("libbsd0", "libbsd"),
    "libmd.so.0": ("libmd0", "libmd"),
    "libcap.so.2": ("libcap2", "libcap"),
    "libgcrypt.so.20": ("libgcrypt20", "libgcrypt"),
    "libgpg-error.so.0": ("libgpg-error0", "libgpg-error"),
    "libstdc++.so.6": ("libstdc++6", "libstdc++"),
    "libgcc_s.so.1": ("libgcc-s1", "libgcc"),
    "libc.so.6": ("libc6", "glibc"),
    "libm.so.6": ("libc6", "glibc"),
    "libpthread.so.0": ("libc6", "glibc"),
    "libdl.so.2": ("libc6", "glibc"),
    "librt.so.1": ("libc6", "glibc"),
}

# What the xcb plugin, libQt6XcbQpa, libQt6Gui and libQt6DBus need from the system (their NEEDED
# entries, checked with objdump -p), less the C/C++ runtime and compression libraries every
# system has: the full set the README lists.
XCB_SONAMES = (
    "libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-image.so.0",
    "libxcb-render-util.so.0", "libxcb-util.so.1", "libxcb-shape.so.0", "libxcb-xkb.so.1",
    "libxcb-randr.so.0", "libxcb-xfixes.so.0", "libxcb-sync.so.1", "libxcb-shm.so.0", "libxcb-render.so.0",
    "libxcb.so.1", "libX11-xcb.so.1", "libX11.so.6", "libxkbcommon.so.0", "libxkbcommon-x11.so.0",
    "libfontconfig.so.1", "libfreetype.so.6", "libdbus-1.so.3", "libEGL.so.1", "libGL.so.1",
    "libglib-2.0.so.0", "libgthread-2.0.so.0",
)


def xcb_plugin() -> Path | None:
    """PySide6's X11 platform plugin, found without importing PySide6 (None when absent)."""
    try:
        spec = importlib.util.find_spec("PySide6")  # a top-level spec: nothing is imported
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def parse_ldd(output: str) -> list[str]:
    """The sonames ldd reports as ``not found``, each once, in ldd's order."""
    missing: list[str] = []
    for line in output.splitlines():
        name, arrow, target = line.strip().partition("=>")
        if arrow and target.strip() == "not found" and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def missing_libraries(library: Path) -> list[str] | None:
    """Libraries ``library`` needs that the dynamic loader cannot find; None when ldd cannot tell."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        result = subprocess.run([ldd, str(library)], capture_output=True, text=True, timeout=LDD_TIMEOUT_S,
                                check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_ldd(result.stdout)


def parse_os_release(text: str) -> dict[str, str]:
    """KEY=value lines of os-release(5); values may be quoted."""
    fields = {}
    for line in text.splitlines():
        key, eq, value = line.strip().partition("=")
        if eq and not key.startswith("#"):
            fields[key] = value.strip().strip("\"'")
    return fields


def distro_family(os_release: Mapping[str, str]) -> str | None:
    """DEBIAN or FEDORA from ID, then ID_LIKE (Mint is like Ubuntu, Rocky like RHEL); else None."""
    for distro_id in [os_release.get("ID", ""), *os_release.get("ID_LIKE", "").split()]:
        for family, ids in FAMILY_IDS.items():
            if distro_id.lower() in ids:
                return family
    return None


def read_family(path: Path = OS_RELEASE) -> str | None:
    try:
        return distro_family(parse_os_release(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return None


def packages(sonames: Iterable[str], family: str) -> list[str]:
    """The family's packages providing the known sonames, each once, in order."""
    column = 0 if family == DEBIAN else 1
    found: list[str] = []
    for soname in sonames:
        package = PACKAGES.get(soname, (None, None))[column]
        if package and package not in found:
            found.append(package)
    return found


def install_command(sonames: Iterable[str], family: str) -> str:
    return f"{INSTALL[family][1]} {' '.join(packages(sonames, family))}"


def missing_message(missing: Sequence[str], family: str | None) -> str:
    """What is missing, and the one command that installs it (both commands for an unknown distribution)."""
    lines = ["annotator cannot open its window: Qt's X11 plugin (xcb) needs libraries that are not "
             f"installed: {', '.join(missing)}."]
    known = [s for s in missing if s in PACKAGES]
    if known:
        families = [family] if family else list(INSTALL)
        lines.append("Install them with:" if family else "Install them with the command for your system:")
        for fam in families:
            label = "" if family else f"{INSTALL[fam][0]}: "
            lines.append(f"    {label}{install_command(known, fam)}")
    for soname in missing:
        if soname not in PACKAGES:
            lines.append(f"No package is known here for {soname}: `apt-file search {soname}` (Debian/Ubuntu) or "
                         f"`dnf provides '*/{soname}'` (Fedora) names it.")
    return "\n".join(lines)


NO_DISPLAY = ("annotator cannot open its window: there is no display (neither DISPLAY nor WAYLAND_DISPLAY is "
              "set). Start it from a desktop session, or set QT_QPA_PLATFORM=offscreen to run without a screen "
              "(`annotator screenshot` renders the window to a PNG).")


def uses_xcb(environ: Mapping[str, str]) -> bool | None:
    """True when Qt will load its xcb plugin, False when another one, None when there is no display."""
    requested = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if requested and requested != "xcb":
        return False  # offscreen, wayland, vnc...: not ours to check
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return None
    if requested == "xcb":
        return True
    # A Wayland session (with or without XWayland's DISPLAY): Qt picks its Wayland plugin.
    return not (environ.get("WAYLAND_DISPLAY") or environ.get("XDG_SESSION_TYPE") == "wayland")


def startup_problem(environ: Mapping[str, str] | None = None, *, system: str = sys.platform,
                    os_release: Path = OS_RELEASE) -> str | None:
    """The reason Qt's window cannot start here, in words with the fix; None when nothing is wrong
    (or when it cannot be told: not Linux, no PySide6 plugin, no ldd)."""
    if not system.startswith("linux"):
        return None
    xcb = uses_xcb(os.environ if environ is None else environ)
    if xcb is None:
        return NO_DISPLAY
    if not xcb:
        return None
    return library_problem(os_release)


def library_problem(os_release: Path = OS_RELEASE) -> str | None:
    """The missing-libraries message for PySide6's xcb plugin, or None when none is missing."""
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin else None
    return missing_message(missing, read_family(os_release)) if missing else None


def full_set_command(family: str) -> str:
    """The install command for everything Qt's xcb plugin needs (the README's list)."""
    return install_command(XCB_SONAMES, family)
