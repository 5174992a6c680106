"""The check before Qt starts: missing libraries of the xcb plugin, their packages, the one command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import qt_platform
from annotator.qt_platform import (
    DEBIAN,
    FEDORA,
    NO_DISPLAY,
    PACKAGES,
    XCB_SONAMES,
    distro_family,
    full_set_command,
    install_command,
    missing_message,
    packages,
    parse_ldd,
    parse_os_release,
    startup_problem,
    uses_xcb,
    xcb_plugin,
)

README = Path(__file__).resolve().parent.parent / "README.md"

# ldd on PySide6 6.11's libqxcb.so on a Debian 12 without libxcb-icccm4 and libxcb-keysyms1
# (shortened): each missing library is listed where libqxcb needs it and again under libQt6XcbQpa.
LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007fd92667c000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007fd9265ae000)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007fd92651e000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007fd9259b3000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007fd9259ab000)
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fd92481e000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007fd92667e000)
"""

OS_RELEASES = {
    "debian": ('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n', DEBIAN),
    "ubuntu": ('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n', DEBIAN),
    "mint": ('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n', DEBIAN),
    "fedora": ("NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=40\n", FEDORA),
    "rocky": ('# comment\nID="rocky"\nID_LIKE="rhel centos fedora"\n', FEDORA),
    "arch": ("NAME=\"Arch Linux\"\nID=arch\n", None),
    "empty": ("", None),
}


def test_ldd_output_gives_each_missing_library_once() -> None:
    assert parse_ldd(LDD_OUTPUT) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert parse_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n\tstatically linked\n") == []


def test_packages_per_distribution() -> None:
    missing = ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libglib-2.0.so.0", "libgthread-2.0.so.0"]
    assert packages(missing, DEBIAN) == ["libxcb-icccm4", "libxcb-keysyms1", "libglib2.0-0"]
    assert packages(missing, FEDORA) == ["xcb-util-wm", "xcb-util-keysyms", "glib2"]
    assert packages(["libxcb-cursor.so.0", "libunknown.so.9"], DEBIAN) == ["libxcb-cursor0"]
    assert install_command(missing[:2], FEDORA) == "sudo dnf install xcb-util-wm xcb-util-keysyms"


@pytest.mark.parametrize("name", sorted(OS_RELEASES))
def test_os_release_names_the_family(name: str, tmp_path: Path) -> None:
    text, family = OS_RELEASES[name]
    assert distro_family(parse_os_release(text)) == family
    (tmp_path / "os-release").write_text(text, encoding="utf-8")
    assert qt_platform.read_family(tmp_path / "os-release") == family
    assert qt_platform.read_family(tmp_path / "missing") is None


def test_message_has_the_one_command_for_the_distribution() -> None:
    message = missing_message(["libxcb-icccm.so.4", "libxcb-keysyms.so.1"], DEBIAN)
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert message.splitlines()[-1] == "    sudo apt install libxcb-icccm4 libxcb-keysyms1"
    assert "dnf" not in message


def test_message_shows_both_commands_when_the_distribution_is_unknown() -> None:
    message = missing_message(["libxcb-keysyms.so.1", "libweird.so.3"], None)
    assert "Debian/Ubuntu: sudo apt install libxcb-keysyms1" in message
    assert "Fedora: sudo dnf install xcb-util-keysyms" in message
    assert "No package is known here for libweird.so.3" in message and "apt-file search libweird.so.3" in message


@pytest.mark.parametrize(("environ", "expected"), [
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),  # Wayland session with XWayland
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"QT_QPA_PLATFORM": "offscreen"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, False),
    ({"QT_QPA_PLATFORM": "xcb:nograb"}, None),
    ({}, None),
])
def test_which_platform_qt_will_use(environ: dict[str, str], expected: bool | None) -> None:
    assert uses_xcb(environ) is expected


def test_startup_problem(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    release = tmp_path / "os-release"
    release.write_text("ID=fedora\n", encoding="utf-8")
    monkeypatch.setattr(qt_platform, "xcb_plugin", lambda: tmp_path / "libqxcb.so")
    monkeypatch.setattr(qt_platform, "missing_libraries", lambda path: ["libxcb-cursor.so.0"])
    assert startup_problem({}, system="linux", os_release=release) == NO_DISPLAY
    assert "QT_QPA_PLATFORM=offscreen" in NO_DISPLAY
    message = startup_problem({"DISPLAY": ":1"}, system="linux", os_release=release)
    assert message is not None and message.endswith("sudo dnf install xcb-util-cursor")
    assert startup_problem({"QT_QPA_PLATFORM": "offscreen"}, system="linux", os_release=release) is None
    assert startup_problem({}, system="win32", os_release=release) is None
    monkeypatch.setattr(qt_platform, "missing_libraries", lambda path: [])
    assert startup_problem({"DISPLAY": ":1"}, system="linux", os_release=release) is None
    monkeypatch.setattr(qt_platform, "missing_libraries", lambda path: None)  # no ldd: let Qt speak
    assert startup_problem({"DISPLAY": ":1"}, system="linux", os_release=release) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux only")
def test_the_real_plugin_in_the_venv() -> None:
    plugin = xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so" and "PySide6" in plugin.parts
    if shutil.which("ldd") is None:
        pytest.skip("no ldd here")
    missing = qt_platform.missing_libraries(plugin)
    # Whatever this machine lacks, ldd said so, and the table knows its package.
    direct = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False).stdout
    assert missing == parse_ldd(direct)
    assert all(soname in PACKAGES for soname in missing), missing
    problem = qt_platform.library_problem()
    assert (problem is None) == (not missing)
    if problem:
        assert all(soname in problem for soname in missing)


@pytest.mark.skipif(shutil.which("objdump") is None or xcb_plugin() is None, reason="needs objdump and PySide6")
def test_the_table_covers_what_the_plugin_and_qt_need() -> None:
    """The NEEDED entries of the plugin and the Qt libraries it loads, read with objdump -p."""
    plugin = xcb_plugin()
    qt_lib = plugin.parents[2] / "lib"
    needed: set[str] = set()
    for library in [plugin, *(qt_lib / f"libQt6{name}.so.6" for name in ("XcbQpa", "Gui", "DBus", "Core"))]:
        dump = subprocess.run(["objdump", "-p", str(library)], capture_output=True, text=True, check=True).stdout
        needed |= {line.split()[1] for line in dump.splitlines() if line.strip().startswith("NEEDED")}
    system = {n for n in needed if not n.startswith(("libQt6", "libicu", "ld-linux"))}
    assert system <= set(PACKAGES), sorted(system - set(PACKAGES))
    assert set(XCB_SONAMES) <= system
    assert {"libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"} <= set(XCB_SONAMES)


def test_finding_the_plugin_does_not_import_qt() -> None:
    code = ("import sys\nfrom annotator.qt_platform import xcb_plugin\nxcb_plugin()\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr


def test_readme_lists_the_full_set_for_both_families() -> None:
    readme = README.read_text(encoding="utf-8")
    for family in (DEBIAN, FEDORA):
        assert full_set_command(family) in readme
