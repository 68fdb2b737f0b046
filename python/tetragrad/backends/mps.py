"""``tetragrad.backends.mps``: Apple's Metal backend is not part of tetragrad."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
