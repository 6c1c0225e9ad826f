"""A container image made from this machine's busybox, for tests and benchmarks of
container tasks where no registry can be reached: `podman import` of a root file system
holding /bin/busybox and a link for each of its applets."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

BUSYBOX_IMAGE = "localhost/reins-test-busybox:1"


def busybox_binary() -> str | None:
    """A busybox with a shell applet (apt-get install busybox-static), or None."""
    found = shutil.which("busybox")
    if found is None:
        return None
    listed = subprocess.run([found, "--list"], capture_output=True, text=True)
    return found if listed.returncode == 0 and "sh" in listed.stdout.split() else None


def ensure_busybox_image(engine_path: str) -> str | None:
    """The image's name once it exists (imported on first use); None without busybox."""
    known = subprocess.run([engine_path, "image", "inspect", BUSYBOX_IMAGE], capture_output=True)
    if known.returncode == 0:
        return BUSYBOX_IMAGE
    busybox = busybox_binary()
    if busybox is None:
        return None
    applets = subprocess.run([busybox, "--list"], capture_output=True, text=True).stdout.split()
    with tempfile.TemporaryDirectory(prefix="reins-rootfs-") as folder:
        tar_path = Path(folder) / "rootfs.tar"
        with tarfile.open(tar_path, "w") as tar:
            tar.add(busybox, "bin/busybox")
            for applet in applets:
                if applet != "busybox":
                    link = tarfile.TarInfo(f"bin/{applet}")
                    link.type, link.linkname = tarfile.SYMTYPE, "busybox"
                    tar.addfile(link)
            for name in ("tmp", "etc", "proc", "sys", "dev"):
                entry = tarfile.TarInfo(name)
                entry.type, entry.mode = tarfile.DIRTYPE, 0o1777 if name == "tmp" else 0o755
                tar.addfile(entry)
        imported = subprocess.run(
            [engine_path, "import", "--change", "ENV PATH=/bin", str(tar_path), BUSYBOX_IMAGE],
            capture_output=True, text=True,
        )  # fmt: skip
    if imported.returncode != 0:
        raise RuntimeError(f"importing {BUSYBOX_IMAGE} failed: {imported.stderr.strip()}")
    return BUSYBOX_IMAGE
