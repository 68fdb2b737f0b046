// The engine's internals shared with tensor hooks (hooks.cpp, engine.cpp).
#pragma once
#include "tetragrad/autograd.h"

namespace tg {

// Before `node` runs: its tensors' hooks on the incoming gradients `in` (which they may
// replace), then retain_grad, then the hooks of the leaf it accumulates into.
void run_grad_hooks(Node& node, TensorList& in);

// t.grad += g (or t.grad = g: g's buffer when nobody else holds it, else a copy), in t's dtype.
void accumulate_grad(TensorImpl& t, Tensor g);

}  // namespace tg
