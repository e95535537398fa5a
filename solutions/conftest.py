"""The shared fixtures (:mod:`tests.fixtures`) for every lab's tests (``solutions/<lab>/tests``)."""

# pytest finds fixtures by name in a conftest, so each is imported by name (the autouse one
# that isolates every test from the user's data setup included).
from tests.fixtures import (  # noqa: F401
    _isolate_nnlabs_env,
    cifar10_official_dir,
    nnlabs_cache,
    shared_data,
)
