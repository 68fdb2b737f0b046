// The engine's side of tensor hooks (hooks.cpp).
#pragma once
#include "tetragrad/autograd.h"

namespace tg {

// Before `node` runs: its tensors' hooks on the incoming gradients `in` (which they may
// replace), then retain_grad, then the hooks of the leaf it accumulates into.
void run_grad_hooks(Node& node, TensorList& in);

}  // namespace tg
