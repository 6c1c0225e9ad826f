"""What environment a command the model wrote gets: an allow-list, not a deny-list.

A deny-list of secret-looking names misses DATABASE_URL, SENTRY_DSN, MYSQL_PWD and every
other credential with an unusual name, so commands get only variables known to be about
the toolchain and the terminal, plus what the user passes through by name in their config
(`env_passthrough = ["MY_VAR", "BUILD_*"]`).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Mapping

# Where programs are and how they behave; none of these carries a credential.
ALLOWED = frozenset(
    """
    PATH HOME USER LOGNAME SHELL HOSTNAME LANG LANGUAGE TERM TZ TMPDIR COLUMNS LINES
    NO_COLOR FORCE_COLOR CLICOLOR CI DEBIAN_FRONTEND
    XDG_CACHE_HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME
    VIRTUAL_ENV CONDA_PREFIX CONDA_DEFAULT_ENV CONDA_EXE PYENV_ROOT PYENV_VERSION
    PYTHONPATH PYTHONHOME PYTHONIOENCODING PYTHONUTF8 PYTHONUNBUFFERED PYTHONDONTWRITEBYTECODE
    PIP_NO_INPUT PIP_DISABLE_PIP_VERSION_CHECK UV_CACHE_DIR
    JAVA_HOME MAVEN_HOME GRADLE_HOME GOPATH GOROOT GOCACHE GOMODCACHE GOFLAGS GOTOOLCHAIN
    CARGO_HOME RUSTUP_HOME RUSTUP_TOOLCHAIN RUST_BACKTRACE NODE_PATH NVM_DIR NVM_BIN
    GEM_HOME GEM_PATH DOTNET_ROOT
    CC CXX CFLAGS CXXFLAGS CPPFLAGS LDFLAGS PKG_CONFIG_PATH LD_LIBRARY_PATH LIBRARY_PATH CPATH
    SSL_CERT_FILE SSL_CERT_DIR REQUESTS_CA_BUNDLE CURL_CA_BUNDLE NODE_EXTRA_CA_CERTS
    """.split()
)
ALLOWED_PREFIXES = ("LC_",)
# Proxies can carry credentials in their URL; they only matter when the network is allowed.
NETWORK_ONLY = frozenset(
    "HTTP_PROXY HTTPS_PROXY NO_PROXY ALL_PROXY http_proxy https_proxy no_proxy all_proxy".split()
)


def command_env(
    passthrough: Iterable[str] = (),
    allow_network: bool = False,
    source: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment for a sandboxed command: allowed names from `source` (os.environ),
    plus names matching a user's `passthrough` patterns, plus fixed settings."""
    source = os.environ if source is None else source
    patterns = list(passthrough)
    env = {
        name: value
        for name, value in source.items()
        if name in ALLOWED
        or name.startswith(ALLOWED_PREFIXES)
        or (allow_network and name in NETWORK_ONLY)
        or any(fnmatch.fnmatchcase(name, p) for p in patterns)
    }
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    env.setdefault("PATH", os.defpath)
    env["PAGER"] = "cat"
    env["GIT_PAGER"] = "cat"
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env
