"""NumPy's keyword spellings that torch accepts: ``axis=`` for ``dim`` and ``keepdims=`` for
``keepdim`` (``x.sum(axis=1, keepdims=True)``). The C++ bindings take torch's names; these
wrappers rename the keywords, and cost one dict check when none are given."""

from __future__ import annotations

import functools

from ._C import Tensor

# the functions and methods torch gives the aliases (norm, flatten and transpose have none)
DIM_FUNCTIONS = (
    "sum mean prod amax amin max min argmax argmin var std var_mean std_mean logsumexp any all "
    "count_nonzero squeeze unsqueeze softmax log_softmax cat concat stack cumsum cumprod logcumsumexp "
    "cummax cummin sort argsort topk kthvalue median nanmedian"
).split()


def _renaming(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs:
            if "axis" in kwargs:
                if "dim" in kwargs:
                    raise TypeError(f"{fn.__name__}() got both dim= and its alias axis=")
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                if "keepdim" in kwargs:
                    raise TypeError(f"{fn.__name__}() got both keepdim= and its alias keepdims=")
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    wrapper._renames_axis = True
    return wrapper


def install(namespace: dict) -> None:
    """Wrap the module functions in `namespace` and the Tensor methods of the same names."""
    for name in DIM_FUNCTIONS:
        fn = namespace.get(name)
        if fn is not None and not getattr(fn, "_renames_axis", False):
            namespace[name] = _renaming(fn)
        method = getattr(Tensor, name, None)
        if method is not None and not getattr(method, "_renames_axis", False):
            setattr(Tensor, name, _renaming(method))
