"""Settings for the photo backup, read from the environment.

PHOTO_SOURCE     folder the camera card is copied to (default: camera)
PHOTO_DEST       backup folder, one subfolder per month (default: backup)
PHOTO_DRY_RUN    only show what would be copied (default: off)
PHOTO_OVERWRITE  replace photos that are already in the backup (default: off)
PHOTO_EXTENSIONS comma-separated list of file types (default: jpg,jpeg,heic)
"""
import os


def env_str(name, default):
    value = os.environ.get(name)
    return value if value else default


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return bool(value.strip())


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip().lower() for item in value.split(",") if item.strip()]


SOURCE = env_str("PHOTO_SOURCE", "camera")
DEST = env_str("PHOTO_DEST", "backup")
DRY_RUN = env_flag("PHOTO_DRY_RUN")
OVERWRITE = env_flag("PHOTO_OVERWRITE")
EXTENSIONS = env_list("PHOTO_EXTENSIONS", ["jpg", "jpeg", "heic"])
