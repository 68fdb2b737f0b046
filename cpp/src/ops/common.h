// Helpers shared by the ops: dim wrapping, broadcasting, promotion, backward recording.
#pragma once
#include <functional>
#include <string>

#include "kernels/kernels.h"
#include "tetragrad/autograd.h"
#include "tetragrad/ops.h"

namespace tg {

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op);
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// A backward node defined by a function: fn(grad_out, saved tensors, node) -> input grads
// (one per input; undefined where not needed). `node.needs(i)` says whether input i wants one.
struct FunctionNode;
using BackwardFn = std::function<TensorList(const Tensor&, const TensorList&, const FunctionNode&)>;
struct FunctionNode : Node {
  FunctionNode(const char* name, BackwardFn fn) : name_(name), fn_(std::move(fn)) {}
  std::string name() const override { return name_; }
  TensorList apply(TensorList&& grads) override;
  void release_saved() override;
  bool needs(size_t i) const { return i < next_edges.size() && next_edges[i].fn != nullptr; }
  std::vector<SavedTensor> saved;

 private:
  const char* name_;
  BackwardFn fn_;
};

inline bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  return GradMode::is_enabled() && any_requires_grad(inputs);
}
// Record `out` = op(inputs) for backward. Call only when needs_grad(inputs).
void record(Tensor& out, const char* name, std::initializer_list<const Tensor*> inputs,
            std::initializer_list<Tensor> saved, BackwardFn fn);
void record_list(Tensor& out, const char* name, const TensorList& inputs,
                 std::initializer_list<Tensor> saved, BackwardFn fn);

// Throw if `t` may not be written in place (a leaf or view in a graph that needs grad).
void check_inplace(const Tensor& t, const char* op);
// After writing `result`'s values into `self` in place, give `self` the history of `result`.
void rebase_history(Tensor& self, const Tensor& result);

// Elementwise output allocation + geometry.
Tensor empty_like_shape(const Shape& shape, DType dtype);

}  // namespace tg
