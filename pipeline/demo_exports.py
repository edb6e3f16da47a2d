"""Old name of the demo generator, kept for existing imports: re-exports pipeline.demo's public names."""

from pipeline.demo import *  # noqa: F403
from pipeline.demo import __all__  # noqa: F401
