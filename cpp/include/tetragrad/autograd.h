// Reverse-mode autograd: define-by-run graph of Nodes, walked by the engine in reverse
// topological order. An op that sees an input with requires_grad records one Node holding
// what its backward needs (heavy layers record a single fused node).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tetragrad/tensor.h"

namespace tg {

using TensorList = std::vector<Tensor>;

struct Edge {
  std::shared_ptr<Node> fn;  // null: the input needs no gradient
  uint32_t input_nr = 0;     // which output of `fn` the gradient belongs to
};

struct Node : std::enable_shared_from_this<Node> {
  Node();
  virtual ~Node();  // releases the graph behind it iteratively (no deep recursion)
  // Gradients w.r.t. this node's outputs (undefined where an output got none) ->
  // gradients w.r.t. its inputs, one per next edge (undefined for none).
  virtual TensorList apply(TensorList&& grad_outputs) = 0;
  virtual std::string name() const = 0;
  // Drop saved tensors once the graph has been used without retain_graph.
  virtual void release_saved() {}
  virtual uint32_t num_outputs() const { return 1; }
  // The leaf whose .grad this node accumulates into (its hooks run first); null for others.
  virtual TensorImpl* hooked_leaf() const { return nullptr; }

  std::vector<Edge> next_edges;
  uint64_t sequence_nr;
  // register_hook() on the non-leaf tensors this node made: run on the gradient of output
  // `output_nr` before apply. They live on the node (as torch's), so they still fire after
  // the tensor itself is gone.
  struct GradHookEntry {
    uint64_t id;
    uint32_t output_nr;
    GradHook fn;
  };
  std::vector<GradHookEntry> grad_hooks;
  // retain_grad(): non-leaf tensors whose .grad receives (accumulates) their gradient, after
  // the hooks.
  std::vector<std::pair<uint32_t, std::weak_ptr<TensorImpl>>> retained_grads;
};

// A tensor kept for backward. Stores an alias without history (no reference cycle when an
// op saves its own output) and the storage version, so a later in-place write is caught.
class SavedTensor {
 public:
  SavedTensor() = default;
  explicit SavedTensor(const Tensor& t);
  Tensor unpack(const char* node_name) const;
  void release() {
    data_ = Tensor();
    released_ = true;
  }
  bool defined() const { return data_.defined() || released_; }

 private:
  Tensor data_;
  uint64_t version_ = 0;
  bool released_ = false;
};

struct GradMode {
  static bool is_enabled();
  static void set_enabled(bool on);
};
struct NoGradGuard {
  NoGradGuard() : prev_(GradMode::is_enabled()) { GradMode::set_enabled(false); }
  ~NoGradGuard() { GradMode::set_enabled(prev_); }
  bool prev_;
};
struct EnableGradGuard {
  EnableGradGuard() : prev_(GradMode::is_enabled()) { GradMode::set_enabled(true); }
  ~EnableGradGuard() { GradMode::set_enabled(prev_); }
  bool prev_;
};

// Recording helpers used by ops.
bool any_requires_grad(std::initializer_list<const Tensor*> inputs);
Edge gradient_edge(const Tensor& t);
void set_history(Tensor& out, const std::shared_ptr<Node>& node, uint32_t output_nr = 0);

// Run backward from `roots` seeded with `grads` (undefined: ones for a scalar root).
// With `inputs` (autograd.grad), the gradients reaching them are returned instead of being
// accumulated into any .grad; an input the roots do not depend on gets an undefined tensor.
TensorList run_backward(const TensorList& roots, const TensorList& grads, bool retain_graph,
                        const TensorList& inputs = {});

// A view whose base was written in place since the view's history was recorded gets a
// fresh history: a strided window into the base's current one (PyTorch regenerates these too).
void refresh_view_history(const Tensor& view);

// t.register_hook(hook): `hook` sees the gradient w.r.t. t in every backward (a leaf's before
// it reaches t.grad, another's before t's grad_fn uses it) and may return a replacement of
// the same shape. remove() unregisters it; the handle does not keep t alive.
struct HookHandle {
  std::weak_ptr<TensorImpl> leaf;
  std::weak_ptr<Node> node;
  uint64_t id = 0;
  void remove() const;
};
HookHandle register_hook(const Tensor& t, GradHook hook);

// t.retain_grad(): a non-leaf t gets .grad too (accumulated like a leaf's); no-op on a leaf.
void retain_grad(const Tensor& t);
bool retains_grad(const Tensor& t);

// A custom autograd function (torch.autograd.Function): `outputs`, computed without history,
// get one node whose backward is `backward`: gradients w.r.t. the outputs (undefined where an
// output got none) -> one gradient per entry of `inputs` (undefined: none). Gradients of
// another shape are summed down to the input's shape when they broadcast to it, else it
// raises; undefined inputs or ones without requires_grad get no edge. After a backward
// without retain_graph, `backward` is dropped (its saved state with it).
using CustomBackwardFn = std::function<TensorList(const TensorList&)>;
void record_function(const std::string& name, const TensorList& inputs, TensorList& outputs,
                     CustomBackwardFn backward);

// Gradient of a broadcast input: sum `grad` down to `shape`.
Tensor sum_to(const Tensor& grad, const Shape& shape);

}  // namespace tg
