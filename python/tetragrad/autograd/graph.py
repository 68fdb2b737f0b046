"""grad_fn objects: one Python class per backward kind (``type(y.grad_fn).__name__`` is
``"MulBackward0"``, as in torch), each a thin handle on a C++ graph node."""

from __future__ import annotations

import weakref

from .. import _C


class Node:
    """A node of the autograd graph (the ``grad_fn`` of a tensor)."""

    __slots__ = ("_node", "__weakref__")

    def name(self) -> str:
        return self._node.name()

    @property
    def next_functions(self) -> tuple:
        """((Node or None, input_nr), ...) for each input of this node."""
        return tuple((wrap(n), i) for n, i in self._node.next_functions)

    def __repr__(self) -> str:
        return f"<{self._node.name()} object at {self._node._ptr:#x}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Node) and other._node._ptr == self._node._ptr

    def __hash__(self) -> int:
        return hash(self._node._ptr)


_classes: dict[str, type] = {}
_live: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def wrap(node):
    """The Python handle of a C++ node (the same object while one is alive)."""
    if node is None:
        return None
    handle = _live.get(node._ptr)
    if handle is not None and handle._node is node:
        return handle
    name = node.name()
    cls = _classes.get(name)
    if cls is None:
        cls = _classes[name] = type(name, (Node,), {"__slots__": ()})
    handle = cls.__new__(cls)
    handle._node = node
    _live[node._ptr] = handle
    return handle


_C.Tensor.grad_fn = property(
    lambda self: wrap(self._grad_fn), doc="The node that made this tensor, or None."
)
