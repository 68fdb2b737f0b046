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
// Whether `from` broadcasts to `to` (trailing dims aligned, each 1 or equal).
bool broadcasts_to(const Shape& from, const Shape& to);

// Elementwise loop geometry (kernels/kernels.h LoopGeom) of tensors in an output shape.
// Strides of `t` seen in an output of shape `out_shape` (0 on broadcast dims).
void broadcast_strides(const Tensor& t, const Shape& out_shape, int64_t* strides);
LoopGeom make_geom(const Shape& out_shape, std::initializer_list<const Tensor*> operands);
void coalesce(LoopGeom& g);

// A backward node defined by a function: fn(grad_out, saved tensors, node) -> input grads
// (one per input; undefined where not needed). `node.needs(i)` says whether input i wants one.
// A node of several differentiable outputs (LSTM's output, h_n, c_n; attention's output and
// weights; var_mean) takes a MultiBackwardFn instead: one gradient per output, undefined where
// that output got none (at least one is defined when it runs).
struct FunctionNode;
using BackwardFn = std::function<TensorList(const Tensor&, const TensorList&, const FunctionNode&)>;
using MultiBackwardFn = std::function<TensorList(const TensorList&, const TensorList&, const FunctionNode&)>;
struct FunctionNode : Node {
  FunctionNode(const char* name, BackwardFn fn) : name_(name), fn_(std::move(fn)) {}
  FunctionNode(const char* name, uint32_t num_outputs, MultiBackwardFn fn)
      : name_(name), num_outputs_(num_outputs), multi_fn_(std::move(fn)) {}
  std::string name() const override { return name_; }
  uint32_t num_outputs() const override { return num_outputs_; }
  TensorList apply(TensorList&& grads) override;
  void release_saved() override;
  bool needs(size_t i) const { return i < next_edges.size() && next_edges[i].fn != nullptr; }
  std::vector<SavedTensor> saved;

 private:
  const char* name_;
  uint32_t num_outputs_ = 1;
  BackwardFn fn_;             // one output
  MultiBackwardFn multi_fn_;  // several
};

inline bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  return GradMode::is_enabled() && any_requires_grad(inputs);
}
// Record `out` = op(inputs) for backward. Call only when needs_grad(inputs).
void record(Tensor& out, const char* name, std::initializer_list<const Tensor*> inputs,
            std::initializer_list<Tensor> saved, BackwardFn fn);
void record_list(Tensor& out, const char* name, const TensorList& inputs, std::initializer_list<Tensor> saved,
                 BackwardFn fn);
// Record `outputs` = op(inputs) as one node with an output slot per entry (an undefined entry
// is a slot no tensor fills). Call only when needs_grad(inputs).
void record_multi(TensorList& outputs, const char* name, std::initializer_list<const Tensor*> inputs,
                  std::initializer_list<Tensor> saved, MultiBackwardFn fn);

// Throw if `t` may not be written in place (a leaf that requires grad, or a view of one).
void check_inplace(const Tensor& t, const char* op);
// The one way in-place ops write: self := result (result has self's shape; computed out of
// place, from a clone of self where the old value is needed). When autograd is recording,
// self takes result's history; if self is a view, its base gets a CopySlices node, so
// gradients flow through the written region to `result` and around it to the old base.
// `result_uses_self`: false when result does not derive from self's old value (copy_), so
// self's old history still gets its (zero) gradient, as torch's CopyBackwards gives it.
Tensor& commit_inplace(Tensor& self, const Tensor& result, const char* op, bool result_uses_self = true);
// Throw if `t` may not be written in place: its memory is read-only (from_numpy of a
// non-writable array), or several of its elements share memory (an expanded tensor), so
// each memory location would get several results.
void check_writable(const Tensor& t, const char* op);

void check_not_read_only(const Tensor& t, const char* op);
// Whether an in-place write of `self` (from `other`, may be null) must go through autograd.
bool inplace_records(const Tensor& self, const Tensor* other);

// Index tensors of the gather/scatter/index_select family: int64, and every index in [0, size)
// (Python-style negative indices are the indexing operator's business); returns a contiguous copy.
void check_index_tensor(const Tensor& index, const char* op);
Tensor checked_indices(const Tensor& index, int64_t size, const char* op);

// Throw TypeError unless x is floating (ops defined only for floats).
void check_floating(const Tensor& x, const char* op);

// A float value written into an int64 tensor must be finite and in range (else UB, garbage).
void check_int_value(double v, const char* op);
// A Python number written into an integer dtype must fit it, as torch's (full, fill_, scatter).
void check_value_fits(double v, DType dtype, const char* op);

}  // namespace tg
