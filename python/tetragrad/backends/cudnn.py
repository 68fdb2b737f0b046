"""``tetragrad.backends.cudnn``: tetragrad does not use cuDNN, but scripts written for torch set
these flags; they are accepted and change nothing. ``deterministic`` results are what
``tetragrad.use_deterministic_algorithms`` controls."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def version():
    return None
