"""Per-model harness customisation, kept as data: prompt, tool-call protocol, tools, limits."""

from reins.profiles.profile import Profile, ProfileError, load_profile, select_profile

__all__ = ["Profile", "ProfileError", "load_profile", "select_profile"]
