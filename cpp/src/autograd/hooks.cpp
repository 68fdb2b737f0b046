// Tensor hooks and retain_grad: the gradient hooks the engine runs on a node's incoming
// gradients before the node uses them (autograd/hooks.h), and their registration.
#include "autograd/hooks.h"

#include <algorithm>
#include <atomic>

#include "tetragrad/ops.h"

namespace tg {

namespace {
std::atomic<uint64_t> g_hook_id{1};

// A hook's result replaces the gradient; it must keep its shape (as torch insists).
void apply_hook(const GradHook& hook, Tensor& grad) {
  Tensor r = hook(grad);
  if (!r.defined()) return;
  TG_CHECK(r.shape() == grad.shape(), ValueError, "register_hook: a hook changed the gradient's shape from ",
           grad.shape(), " to ", r.shape());
  TG_CHECK(r.dtype() == grad.dtype(), TypeError, "register_hook: a hook changed the gradient's dtype from ",
           dtype_name(grad.dtype()), " to ", dtype_name(r.dtype()), " (shape ", grad.shape(), ")");
  grad = r;
}

}  // namespace

// The tensor hooks on `node`'s incoming gradients, then retain_grad, then (for a leaf's
// accumulator) the leaf's own hooks. Copies of the lists: a hook may (un)register hooks.
void run_grad_hooks(Node& node, TensorList& in) {
  if (!node.grad_hooks.empty()) {
    const auto hooks = node.grad_hooks;
    for (const auto& h : hooks)
      if (h.output_nr < in.size() && in[h.output_nr].defined()) apply_hook(h.fn, in[h.output_nr]);
  }
  for (const auto& [nr, weak] : node.retained_grads) {
    auto impl = weak.lock();
    if (impl && nr < in.size() && in[nr].defined())
      accumulate_grad(*impl, in[nr]);  // in[nr] flows on: copied
  }
  if (TensorImpl* leaf = node.hooked_leaf();
      leaf && !leaf->grad_hooks.empty() && !in.empty() && in[0].defined()) {
    const auto leaf_hooks = leaf->grad_hooks;
    for (const auto& h : leaf_hooks) apply_hook(h.second, in[0]);
  }
}

void HookHandle::remove() const {
  auto drop = [this](auto& hooks, auto id_of) {
    hooks.erase(std::remove_if(hooks.begin(), hooks.end(), [&](const auto& h) { return id_of(h) == id; }),
                hooks.end());
  };
  if (auto impl = leaf.lock()) drop(impl->grad_hooks, [](const auto& h) { return h.first; });
  if (auto n = node.lock()) drop(n->grad_hooks, [](const auto& h) { return h.id; });
}

HookHandle register_hook(const Tensor& t, GradHook hook) {
  TG_CHECK(t.requires_grad(), StateError,
           "register_hook: cannot register a hook on a tensor that "
           "doesn't require gradient (shape ",
           t.shape(), ")");
  refresh_view_history(t);
  HookHandle h;
  h.id = g_hook_id++;
  if (t.is_leaf()) {
    t.impl()->grad_hooks.emplace_back(h.id, std::move(hook));
    h.leaf = t.impl_ptr();
  } else {
    t.grad_fn()->grad_hooks.push_back({h.id, t.impl()->output_nr, std::move(hook)});
    h.node = t.grad_fn();
  }
  return h;
}

void retain_grad(const Tensor& t) {
  TG_CHECK(t.requires_grad(), StateError,
           "retain_grad: can't retain_grad on a tensor that has "
           "requires_grad=False (shape ",
           t.shape(), ")");
  if (t.is_leaf() || t.impl()->retains_grad) return;
  refresh_view_history(t);
  t.grad_fn()->retained_grads.emplace_back(t.impl()->output_nr, t.impl_ptr());
  t.impl()->retains_grad = true;
}

bool retains_grad(const Tensor& t) { return !t.is_leaf() && t.impl()->retains_grad; }

}  // namespace tg
