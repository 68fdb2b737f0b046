"""``nn.Module``: the base class of every layer, with PyTorch's API.

Parameters, buffers and submodules live in the ``_parameters`` / ``_buffers`` / ``_modules``
registries, as in PyTorch, and are mirrored into the instance ``__dict__`` so that reading
``self.weight`` is a plain attribute lookup (PyTorch goes through ``__getattr__``, which
costs about a microsecond per access in a small model's forward).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator

import numpy as np

from .. import _C
from .._C import Tensor
from ..autograd import no_grad
from .parameter import Parameter

# How many module hooks exist in the process (in any module): Module.__call__ skips its
# per-module hook checks while it is zero.
_hooks_alive = [0]
_HOOK_DICTS = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks")

_IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class _Registry(dict):
    """A name -> value dict whose entries also appear as attributes of its owner."""

    __slots__ = ("_owner",)

    def __init__(self, owner):
        super().__init__()
        self._owner = owner

    def __setitem__(self, name, value):
        super().__setitem__(name, value)
        self._owner.__dict__[name] = value

    def __delitem__(self, name):
        super().__delitem__(name)
        self._owner.__dict__.pop(name, None)

    def pop(self, name, *default):
        self._owner.__dict__.pop(name, None)
        return super().pop(name, *default)

    def clear(self):
        for name in self:
            self._owner.__dict__.pop(name, None)
        super().clear()

    def update(self, *args, **kwargs):
        for k, v in dict(*args, **kwargs).items():
            self[k] = v

    def __reduce__(self):  # pickle/deepcopy as (owner, items)
        return (_rebuild_registry, (self._owner, list(self.items())))


def _rebuild_registry(owner, items):
    r = _Registry(owner)
    dict.update(r, items)
    return r


def _check_name(name, kind):
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."')


class Module:
    """Base class for all layers. Subclass it, assign layers and ``nn.Parameter``s in
    ``__init__`` (after ``super().__init__()``) and define ``forward``."""

    training: bool
    _version: int = 1
    # Whether calling an instance is just forward() while no hooks exist (containers then
    # call forward directly); False for subclasses that override __call__.
    _call_is_forward: bool = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._call_is_forward = cls.__call__ is Module.__call__

    def __init__(self, *args, **kwargs) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = _Registry(self)
        d["_buffers"] = _Registry(self)
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = _Registry(self)
        d["_forward_hooks"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()
        d["_backward_hooks"] = OrderedDict()
        d["_backward_pre_hooks"] = OrderedDict()

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args, **kwargs):
        # While no hook is registered anywhere (the common case) a call is just forward.
        if _hooks_alive[0] and (
            self._forward_pre_hooks
            or self._forward_hooks
            or self._backward_hooks
            or self._backward_pre_hooks
        ):
            return self._call_with_hooks(*args, **kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, *args, **kwargs):
        for hook in list(self._forward_pre_hooks.values()):
            res = hook(self, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
        if (self._backward_hooks or self._backward_pre_hooks) and _C.is_grad_enabled():
            from ._backward_hooks import call_with_backward_hooks

            out = call_with_backward_hooks(self, self.forward, args, kwargs)
        else:
            out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            res = hook(self, args, out)
            if res is not None:
                out = res
        return out

    def register_forward_hook(self, hook: Callable) -> _RemovableHandle:
        """``hook(module, args, output)`` runs after forward; a non-None result replaces the output."""
        return _RemovableHandle(self._forward_hooks, hook)

    def register_forward_pre_hook(self, hook: Callable) -> _RemovableHandle:
        """``hook(module, args)`` runs before forward; a non-None result replaces the args."""
        return _RemovableHandle(self._forward_pre_hooks, hook)

    def register_full_backward_hook(self, hook: Callable) -> _RemovableHandle:
        """``hook(module, grad_input, grad_output)`` runs once the gradients w.r.t. the
        module's tensor inputs are known (one entry per positional tensor argument, None where
        none is needed); a non-None result replaces grad_input."""
        return _RemovableHandle(self._backward_hooks, hook)

    def register_full_backward_pre_hook(self, hook: Callable) -> _RemovableHandle:
        """``hook(module, grad_output)`` runs when the gradients w.r.t. the module's outputs
        are known; a non-None result replaces grad_output."""
        return _RemovableHandle(self._backward_pre_hooks, hook)

    # ---- registration ----------------------------------------------------------------------
    def _forget(self, name, keep):
        for reg in ("_parameters", "_buffers", "_modules"):
            if reg != keep and name in self.__dict__[reg]:
                del self.__dict__[reg][name]
        self._non_persistent_buffers_set.discard(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name(name, "parameter")
        if name in self.__dict__ and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(tetragrad.nn.Parameter or None required)"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name(name, "buffer")
        if name in self.__dict__ and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' (Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        _check_name(name, "module")
        if name in self.__dict__ and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        mod = self
        for item in target.split(".") if target else []:
            if item not in mod._modules:
                raise AttributeError(f"{type(mod).__name__} has no attribute `{item}`")
            mod = mod._modules[item]
        return mod

    def _get_member(self, target: str, registry: str, kind: str):
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if name not in getattr(mod, registry):
            raise AttributeError(f"{type(mod).__name__} has no {kind} `{name}`")
        return getattr(mod, registry)[name]

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path, e.g. ``"0.weight"``."""
        return self._get_member(target, "_parameters", "parameter")

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at a dotted path, e.g. ``"bn.running_mean"``."""
        return self._get_member(target, "_buffers", "buffer")

    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, "_parameters")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(tetragrad.nn.Parameter or None expected)"
                )
            params[name] = None
        elif isinstance(value, Module):
            if "_modules" not in d:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, "_modules")
            d["_modules"][name] = value
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' (Module or None expected)"
                )
            d["_modules"][name] = None
        elif "_buffers" in d and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' (Tensor or None expected)"
                )
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for reg in ("_parameters", "_buffers", "_modules"):
            r = self.__dict__.get(reg)
            if r is not None and name in r:
                del r[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_backward_hooks", "_backward_pre_hooks"):  # modules pickled before these
            self.__dict__.setdefault(name, OrderedDict())
        # A copy's hooks have no handle of their own: count them as alive for good, so calls
        # keep checking for hooks (the count only gates the no-hook fast path).
        _hooks_alive[0] += sum(len(self.__dict__[n]) for n in _HOOK_DICTS)

    def __dir__(self):
        return sorted(set(super().__dir__()))

    # ---- traversal ---------------------------------------------------------------------------
    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ):
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is None:
                continue
            yield from m.named_modules(
                memo, prefix + ("." if prefix else "") + name, remove_duplicate
            )

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, get, prefix="", recurse=True, remove_duplicate=True):
        seen = set()
        mods = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for mprefix, m in mods:
            for k, v in get(m):
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                if remove_duplicate:
                    seen.add(id(v))
                yield mprefix + ("." if mprefix else "") + k, v

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ):
        yield from self._named_members(
            lambda m: m._parameters.items(), prefix, recurse, remove_duplicate
        )

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        yield from self._named_members(
            lambda m: m._buffers.items(), prefix, recurse, remove_duplicate
        )

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ---- modes and gradients ----------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.__dict__["training"] = mode
        for m in self.children():
            m.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        _C._nn.zero_grad(list(self.parameters()), set_to_none)

    def apply(self, fn: Callable[[Module], None]) -> Module:
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ---- dtype conversion ------------------------------------------------------------------
    def _apply_floating(self, dtype) -> Module:
        """Convert floating-point parameters (and their grads) and buffers to ``dtype`` in place."""
        with no_grad():
            for m in self.modules():
                for p in m._parameters.values():
                    if p is not None and p.is_floating_point() and p.dtype != dtype:
                        g = p.grad
                        p.data = p.data.to(dtype)
                        if g is not None:
                            p.grad = g.to(dtype)
                for name, b in list(m._buffers.items()):
                    if b is not None and b.is_floating_point() and b.dtype != dtype:
                        m._buffers[name] = b.to(dtype)
        return self

    def to(self, *args, **kwargs) -> Module:
        """``to(dtype)``, ``to(device)`` (cpu only in this build) or ``to(device, dtype)``."""
        from .. import device as _device
        from .. import dtype as _dtype

        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, _dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            else:
                dev = a
        if dev is not None and _device(dev).type != "cpu":
            raise RuntimeError(f"Module.to: device {dev} is not available in this build")
        if dtype is not None:
            if not dtype.is_floating_point:
                raise TypeError(
                    f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}"
                )
            self._apply_floating(dtype)
        return self

    def float(self) -> Module:
        from .. import float32

        return self._apply_floating(float32)

    def double(self) -> Module:
        from .. import float64

        return self._apply_floating(float64)

    def half(self) -> Module:
        from .. import float16

        return self._apply_floating(float16)

    def bfloat16(self) -> Module:
        from .. import bfloat16

        return self._apply_floating(bfloat16)

    def cpu(self) -> Module:
        return self

    # ---- state dict -------------------------------------------------------------------------
    def _state_slots(self, prefix=""):
        """(key, owner, name, tensor) for every parameter and persistent buffer, in
        PyTorch's key order (own parameters, own buffers, then each child's)."""
        for name, p in self._parameters.items():
            if p is not None:
                yield prefix + name, self, name, p
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                yield prefix + name, self, name, b
        for name, m in self._modules.items():
            if m is not None:
                yield from m._state_slots(prefix + name + ".")

    def _state_items(self, prefix=""):
        for key, _, _, t in self._state_slots(prefix):
            yield key, t

    def state_dict(
        self, *, destination=None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict:
        """Parameters and persistent buffers by dotted name (detached, sharing storage)."""
        out = OrderedDict() if destination is None else destination
        for k, t in self._state_items(prefix):
            out[k] = t if keep_vars else t.detach()
        return out

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy values from ``state_dict`` (tensors or NumPy arrays) into this module's
        parameters and buffers. With ``strict``, missing and unexpected keys are errors; a
        shape mismatch always is, and nothing is loaded then. With ``assign``, the module takes
        the given tensors themselves (their dtype and memory) instead of copying their values.
        Returns ``(missing_keys, unexpected_keys)``."""
        if not hasattr(state_dict, "keys"):
            raise TypeError(
                f"Expected state_dict to be dict-like, got {type(state_dict).__name__}."
            )
        slots = {key: (owner, name) for key, owner, name, _ in self._state_slots()}
        own = OrderedDict(self._state_items())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        updates = []
        for k, t in own.items():
            if k not in state_dict:
                continue
            src = _as_tensor(state_dict[k])
            if src is None:
                errors.append(
                    f'While copying the parameter named "{k}", expected a tensor or a NumPy array '
                    f"from checkpoint but received {type(state_dict[k])}"
                )
            elif tuple(src.shape) != tuple(t.shape):
                errors.append(
                    f"size mismatch for {k}: copying a param with shape {list(src.shape)} from checkpoint, "
                    f"the shape in current model is {list(t.shape)}."
                )
            else:
                updates.append((k, t, src))
        if strict:
            if unexpected:
                errors.insert(
                    0,
                    "Unexpected key(s) in state_dict: "
                    + ", ".join(f'"{k}"' for k in unexpected)
                    + ". ",
                )
            if missing:
                errors.insert(
                    0,
                    "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ",
                )
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        with no_grad():  # all checks passed: nothing is half-loaded on an error
            for k, t, src in updates:
                if not assign:
                    t.copy_(src)
                    continue
                owner, name = slots[k]
                if isinstance(t, Parameter):
                    owner._parameters[name] = Parameter(src, requires_grad=t.requires_grad)
                else:
                    owner._buffers[name] = src.detach()
        return _IncompatibleKeys(missing, unexpected)

    # ---- repr ---------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, m in self._modules.items():
            child = repr(m).replace("\n", "\n  ")
            lines.append(f"({name}): {child}")
        main = self._get_name() + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"


def _as_tensor(v):
    """A state-dict value as a tensor (NumPy arrays shared where possible), or None."""
    if isinstance(v, Tensor):
        return v
    if isinstance(v, np.ndarray | np.generic) or hasattr(v, "__array__"):
        a = np.asarray(v)
        if a.dtype.kind == "f" and a.dtype not in (np.float32, np.float64):
            a = a.astype(np.float32)
        elif a.dtype.kind in "iu" and a.dtype != np.int64:
            a = a.astype(np.int64)
        elif a.dtype.kind not in "fb" and a.dtype != np.int64:
            return None
        return _C.from_numpy(np.ascontiguousarray(a))
    return None


class _RemovableHandle:
    _ids = itertools.count()

    def __init__(self, hooks: dict, hook: Callable):
        self.hooks = hooks
        self.id = next(self._ids)
        hooks[self.id] = hook
        _hooks_alive[0] += 1

    def remove(self) -> None:
        if self.hooks.pop(self.id, None) is not None:
            _hooks_alive[0] -= 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
