"""Copy new photos from the camera folder into the backup, sorted by month.

IMG_20240512_093011.jpg goes to <backup>/2024-05/IMG_20240512_093011.jpg.
Configured through environment variables, see settings.py.

    python3 backup_photos.py
    PHOTO_DRY_RUN=1 python3 backup_photos.py
"""
import re
import shutil
import sys
from pathlib import Path

import settings

DATE_IN_NAME = re.compile(r"(?:IMG|PXL|DSC)_(\d{4})(\d{2})\d{2}_")


def month_folder(name):
    match = DATE_IN_NAME.match(name)
    if not match:
        return "unsorted"
    return f"{match.group(1)}-{match.group(2)}"


def photos(source, extensions):
    for path in sorted(Path(source).iterdir()):
        if path.is_file() and path.suffix.lower().lstrip(".") in extensions:
            yield path


def main():
    source = Path(settings.SOURCE)
    if not source.is_dir():
        print(f"no such folder: {source}", file=sys.stderr)
        return 1
    copied = skipped = 0
    for photo in photos(source, settings.EXTENSIONS):
        target = Path(settings.DEST, month_folder(photo.name), photo.name)
        if target.exists() and not settings.OVERWRITE:
            skipped += 1
            continue
        if settings.DRY_RUN:
            print(f"[dry run] would copy {photo} -> {target}")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(photo, target)
            print(f"copied {photo} -> {target}")
        copied += 1
    verb = "would copy" if settings.DRY_RUN else "copied"
    print(f"{verb} {copied}, skipped {skipped} already in the backup")
    return 0


if __name__ == "__main__":
    sys.exit(main())
