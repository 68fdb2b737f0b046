// Storage allocation (small: inline or malloc; large: 64-byte aligned) and the Tensor handle's own methods.
#include "tetragrad/tensor.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "tetragrad/autograd.h"
#include "tetragrad/ops.h"

namespace tg {

namespace {
DType g_default_dtype = DType::Float32;
}
DType default_dtype() { return g_default_dtype; }
void set_default_dtype(DType t) {
  TG_CHECK(is_floating(t), TypeError, "set_default_dtype: only floating dtypes, got ", dtype_name(t));
  g_default_dtype = t;
}

namespace {
// Small tensors (scalars, biases, XOR-sized activations) live inside the Storage's own
// allocation: one malloc per tensor instead of three on the per-op hot path. Only 16-byte
// aligned: an over-aligned type would go through memalign, which bypasses malloc's
// per-thread cache and cost more than the whole op for tiny tensors.
struct SmallStorage : Storage {
  alignas(16) unsigned char inline_bytes[256];
};
}  // namespace

namespace {
DeviceAllocator g_device_allocators[2] = {};  // by DeviceType; the CPU's is the host allocator below
}
void register_device_allocator(DeviceType type, DeviceAllocator allocator) {
  TG_CHECK(type != DeviceType::CPU, ValueError, "register_device_allocator: the CPU allocator is built in");
  g_device_allocators[int(type)] = allocator;
}

std::shared_ptr<Storage> Storage::allocate(size_t nbytes, Device device) {
  if (device.type != DeviceType::CPU) {
    const DeviceAllocator a = g_device_allocators[int(device.type)];
    TG_CHECK(a.allocate != nullptr, StateError, "allocate: device ", device.str(),
             " is not available in this build");
    auto s = std::make_shared<Storage>();
    void* p = nbytes ? a.allocate(nbytes, device.index) : nullptr;
    s->data = p, s->nbytes = nbytes, s->device = device;
    s->owner = std::shared_ptr<void>(p, [release = a.release, idx = device.index](void* q) {
      if (q) release(q, idx);
    });
    return s;
  }
  if (nbytes <= sizeof(SmallStorage::inline_bytes)) {
    auto s = std::make_shared<SmallStorage>();
    s->data = s->inline_bytes;
    s->nbytes = nbytes;
    s->device = device;
    return s;
  }
  auto s = std::make_shared<Storage>();
  size_t padded = ((nbytes + 63) / 64) * 64;
  // Up to 64 KiB plain malloc (16-byte aligned, served from malloc's fast caches; memalign
  // bypasses them). Larger buffers are 64-byte aligned for full-width SIMD rows.
  void* p = nullptr;
  if (padded) p = padded <= (64u << 10) ? std::malloc(padded) : std::aligned_alloc(64, padded);
  if (padded && !p) throw std::bad_alloc();
  s->data = p;
  s->nbytes = nbytes;
  s->device = device;
  s->owner = std::shared_ptr<void>(p, [](void* q) { std::free(q); });
  return s;
}

std::shared_ptr<Storage> Storage::wrap(void* data, size_t nbytes, std::shared_ptr<void> owner,
                                       Device device) {
  auto s = std::make_shared<Storage>();
  s->data = data;
  s->nbytes = nbytes;
  s->device = device;
  s->owner = std::move(owner);
  return s;
}

int64_t shape_numel(const Shape& s, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i)
    if (s[i] == 0) return 0;  // empty, however large the other dims
  int64_t n = 1;
  const bool whole = begin == 0 && end == int64_t(s.size());
  for (int64_t i = begin; i < end; ++i)
    TG_CHECK(!__builtin_mul_overflow(n, s[i], &n), ValueError, "shape ", s,
             whole ? " has more elements than an int64 can count"
                   : ": the product of its dims " + std::to_string(begin) + ".." + std::to_string(end - 1) +
                         " does not fit in an int64");
  return n;
}

int64_t shape_numel(const Shape& s) { return shape_numel(s, 0, int64_t(s.size())); }

Shape contiguous_strides(const Shape& s) {
  // Unsigned: an empty tensor's dims may multiply past int64 (torch's strides wrap the same way);
  // a non-empty one cannot, shape_numel has checked it.
  Shape st(s.size());
  uint64_t acc = 1;
  for (int64_t i = (int64_t)s.size() - 1; i >= 0; --i) {
    st[i] = int64_t(acc);
    acc *= uint64_t(s[i] > 1 ? s[i] : 1);
  }
  return st;
}

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  for (int64_t d : shape) TG_CHECK(d >= 0, ValueError, "empty: negative dimension in shape ", shape);
  size_t nbytes;
  TG_CHECK(!__builtin_mul_overflow(size_t(shape_numel(shape)), itemsize(dtype), &nbytes), ValueError,
           "empty: shape ", shape, " needs more bytes than memory can address");
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = Storage::allocate(nbytes, device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

// size(d) and stride(d) index the shape itself: a 0-d tensor has no dim to name (unlike the ops
// that treat it as one dim of size 1), as in torch.
static int64_t shape_index(int64_t d, int64_t nd, const char* op) {
  TG_CHECK(nd > 0, IndexError, op, ": dimension specified as ", d, " but tensor has no dimensions");
  TG_CHECK(d >= -nd && d < nd, IndexError, op, ": dimension out of range (expected to be in range of [", -nd,
           ", ", nd - 1, "], but got ", d, ")");
  return d < 0 ? d + nd : d;
}
int64_t Tensor::size(int64_t d) const { return shape()[shape_index(d, dim(), "size")]; }
int64_t Tensor::stride(int64_t d) const { return strides()[shape_index(d, dim(), "stride")]; }

bool Tensor::is_contiguous() const {
  if (numel() == 0) return true;
  int64_t expected = 1;
  for (int64_t i = dim() - 1; i >= 0; --i) {
    if (impl_->shape[i] == 1) continue;
    if (impl_->strides[i] != expected) return false;
    expected *= impl_->shape[i];
  }
  return true;
}

Tensor& Tensor::set_requires_grad(bool r) {
  TG_CHECK(!r || is_floating(dtype()), StateError,
           "requires_grad: only floating point tensors can require gradients (got ", dtype_name(dtype()),
           ")");
  TG_CHECK(is_leaf() || r, StateError,
           "requires_grad: you can only change requires_grad flags of leaf variables");
  impl_->requires_grad = r;
  return *this;
}

static std::shared_ptr<TensorImpl> plain_alias(const TensorImpl& src, const Shape& shape,
                                               const Shape& strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = src.storage;
  impl->shape = shape;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = src.dtype;
  return impl;
}

Tensor Tensor::alias_with(const Shape& shape, const Shape& strides, int64_t offset) const {
  auto impl = plain_alias(*impl_, shape, strides, offset);
  impl->view_base = impl_->view_base ? impl_->view_base : impl_;
  impl->view_version = impl_->storage->version.load();
  return Tensor(std::move(impl));
}

// No base link: a detached tensor (often saved for backward) must not keep a graph alive.
Tensor Tensor::detach() const { return Tensor(plain_alias(*impl_, shape(), strides(), offset())); }

double Tensor::item() const {
  TG_CHECK(numel() == 1, ValueError, "item: a Tensor with ", numel(),
           " elements cannot be converted to a scalar (shape ", shape(), ")");
  double v = 0;
  TG_DISPATCH_STORAGE(dtype(), "item", [&] { v = double(*static_cast<const scalar_t*>(raw_data())); });
  return v;
}

void Tensor::backward(const Tensor& gradient, bool retain_graph) const {
  run_backward({*this}, {gradient}, retain_graph);
}

}  // namespace tg
