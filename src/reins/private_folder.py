"""A folder in a shared temp dir that only this user can enter (mode 0700, owned by us),
checked before each use so that another user cannot plant files or a server in it.

Standard library only and plain strings: the warm `reins search` path imports it.
"""

from __future__ import annotations

import os
import stat


def owned_private_folder(folder: str, create: bool) -> bool:
    """The folder exists (made 0700 if asked), is ours and nobody else's."""
    if create:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and stat.S_IMODE(info.st_mode) & 0o077 == 0)  # fmt: skip
