"""Bundle every project folder into its own archive, with a checksum manifest.

    python3 bundle.py PROJECTS_DIR OUT_DIR

For each folder PROJECTS_DIR/NAME this writes OUT_DIR/NAME.tar.gz, then
OUT_DIR/MANIFEST.txt with one "SHA256  NAME.tar.gz" line per archive.
Hidden folders (starting with ".") are skipped.
"""
import os
import subprocess
import sys
from pathlib import Path


def project_dirs(root):
    return sorted(p for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith("."))


def count_files(folder):
    return sum(len(files) for _, _, files in os.walk(folder))


def make_archive(folder, out_dir):
    archive = Path(out_dir) / f"{folder.name}.tar.gz"
    subprocess.run(f"tar -czf {archive} -C {folder} .", shell=True, check=True)
    return archive


def checksum(path):
    output = subprocess.check_output(f"sha256sum {path}", shell=True, text=True)
    return output.split()[0]


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    root, out_dir = argv
    os.makedirs(out_dir, exist_ok=True)
    lines = []
    for folder in project_dirs(root):
        archive = make_archive(folder, out_dir)
        lines.append(f"{checksum(archive)}  {archive.name}")
        print(f"bundled {folder.name} ({count_files(folder)} files) -> {archive}")
    Path(out_dir, "MANIFEST.txt").write_text("".join(line + "\n" for line in lines))
    print(f"{len(lines)} archives, manifest in {Path(out_dir, 'MANIFEST.txt')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
