// Tensor: a handle on shared, 64-byte-aligned storage with shape, strides (in elements),
// an element offset, a dtype and a device. Views share storage; autograd state lives here.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "tetragrad/dtype.h"
#include "tetragrad/errors.h"

namespace tg {

using Shape = std::vector<int64_t>;

struct Storage {
  void* data = nullptr;
  size_t nbytes = 0;
  Device device;
  std::shared_ptr<void> owner;  // frees `data` (our allocator, or a NumPy array kept alive)
  // Bumped by every in-place write; saved tensors compare it to catch stale graphs.
  std::atomic<uint64_t> version{0};
  // Memory the tensor may not write (a non-writable NumPy array): in-place ops raise.
  bool read_only = false;

  // CPU memory from the host allocator; another device's from its registered allocator.
  static std::shared_ptr<Storage> allocate(size_t nbytes, Device device = {});
  static std::shared_ptr<Storage> wrap(void* data, size_t nbytes, std::shared_ptr<void> owner,
                                       Device device = {});
};

// How a device other than the CPU gets memory (the CUDA build registers one). Without one the
// device is not available and allocating on it raises.
struct DeviceAllocator {
  void* (*allocate)(size_t nbytes, int device_index);
  void (*release)(void* data, int device_index);
};
void register_device_allocator(DeviceType type, DeviceAllocator allocator);

struct Node;
class Tensor;
// A hook on a gradient: returns a replacement, or an undefined tensor to keep it.
using GradHook = std::function<Tensor(const Tensor&)>;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape, strides;
  int64_t offset = 0;  // in elements
  DType dtype = DType::Float32;

  // autograd
  bool requires_grad = false;
  bool retains_grad = false;
  std::shared_ptr<TensorImpl> grad;
  std::shared_ptr<Node> grad_fn;  // null for leaves
  uint32_t output_nr = 0;
  std::weak_ptr<Node> grad_accumulator;
  // A leaf's register_hook()s (by id), run on its gradient before it reaches .grad.
  std::vector<std::pair<uint64_t, GradHook>> grad_hooks;
  // The tensor this one is a view of (the root of a chain of views), for autograd of
  // in-place writes through views. Null when not a view.
  std::shared_ptr<TensorImpl> view_base;
  // The storage version this view's grad_fn was made at: an in-place write to the base (or
  // another view of it) since then makes the view's history stale, and it is regenerated.
  uint64_t view_version = 0;
  bool is_wrapped_number = false;  // a Python scalar turned into a tensor (weakest in promotion)
};

int64_t shape_numel(const Shape& s);
// Product of dims [begin, end): 0 if one is 0, else ValueError where int64 cannot hold it.
int64_t shape_numel(const Shape& s, int64_t begin, int64_t end);
Shape contiguous_strides(const Shape& s);

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // A new, uninitialised, contiguous tensor.
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32, Device device = {});

  bool defined() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool same(const Tensor& o) const { return impl_ == o.impl_; }

  const Shape& shape() const { return impl_->shape; }
  const Shape& strides() const { return impl_->strides; }
  int64_t dim() const { return (int64_t)impl_->shape.size(); }
  int64_t size(int64_t d) const;
  int64_t stride(int64_t d) const;
  int64_t numel() const { return shape_numel(impl_->shape); }
  int64_t offset() const { return impl_->offset; }
  DType dtype() const { return impl_->dtype; }
  Device device() const { return impl_->storage->device; }
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const { return impl_->storage; }

  void* raw_data() const {
    return static_cast<char*>(impl_->storage->data) + impl_->offset * (int64_t)itemsize(dtype());
  }
  template <typename T>
  T* data() const {
    TG_CHECK(dtype_of<T>::value == dtype(), TypeError, "data<T>: tensor has dtype ", dtype_name(dtype()));
    return static_cast<T*>(raw_data());
  }
  void bump_version() const { impl_->storage->version++; }

  // autograd
  // A view whose base took a history after the view was made (a write through another view)
  // requires grad too: its own history is regenerated when it is used.
  bool requires_grad() const {
    return impl_->requires_grad || (impl_->view_base && impl_->view_base->requires_grad &&
                                    impl_->view_version != impl_->storage->version.load());
  }
  Tensor& set_requires_grad(bool r);
  // Atomic: another thread's backward may be accumulating into this leaf.
  Tensor grad() const { return Tensor(std::atomic_load(&impl_->grad)); }
  void set_grad(const Tensor& g) { std::atomic_store(&impl_->grad, g.impl_); }
  const std::shared_ptr<Node>& grad_fn() const { return impl_->grad_fn; }
  bool is_leaf() const { return impl_->grad_fn == nullptr; }
  void backward(const Tensor& gradient = Tensor(), bool retain_graph = false) const;
  Tensor detach() const;  // shares storage, no history

  // A view: a new handle on the same storage with its own shape/strides/offset, which
  // remembers its base (no autograd recorded here; the view ops do that).
  Tensor alias_with(const Shape& shape, const Shape& strides, int64_t offset) const;
  bool is_view() const { return impl_->view_base != nullptr; }

  // Element access for tests and small tools (bounds-checked, slow).
  double item() const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

}  // namespace tg
