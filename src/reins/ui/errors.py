"""Errors that mean 'this cannot start' (bad spec, missing key or weights), shown plainly."""

from reins.agent.builder import SessionNotFound
from reins.config import ConfigError
from reins.models.client import ProviderError
from reins.models.local_assets import ModelAssetError
from reins.models.scripted import ScriptError
from reins.models.spec import ModelSpecError
from reins.profiles import ProfileError
from reins.store import StoreError

SETUP_ERRORS = (
    ConfigError,
    ModelAssetError,
    ModelSpecError,
    ProfileError,
    ProviderError,
    ScriptError,
    SessionNotFound,
    StoreError,
    ValueError,
)
