// Zero-copy exchange with other array libraries: DLPack both ways (Tensor.__dlpack__,
// __dlpack_device__, tetragrad.from_dlpack) and the buffer protocol (memoryview(t)).
// The DLPack structs are the ABI of dlpack.h (v0.8, the unversioned "dltensor" capsule every
// consumer accepts), declared here so the build needs no extra header.
#include <cstring>

#include "common.h"

namespace tg::py_bind {

namespace {

// ---- DLPack ABI ---------------------------------------------------------------------------------
enum DLDeviceType : int32_t { kDLCPU = 1, kDLCUDA = 2 };
enum DLDataTypeCode : uint8_t { kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLBfloat = 4, kDLBool = 6 };
struct DLDevice {
  int32_t device_type;
  int32_t device_id;
};
struct DLDataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;
  uint64_t byte_offset;
};
struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor* self);
};

DLDataType dl_dtype(DType d) {
  const uint8_t bits = uint8_t(itemsize(d) * 8);
  switch (d) {
    case DType::Bool:
      return {kDLBool, 8, 1};
    case DType::UInt8:
      return {kDLUInt, 8, 1};
    case DType::BFloat16:
      return {kDLBfloat, 16, 1};
    default:
      return {is_floating(d) ? kDLFloat : kDLInt, bits, 1};
  }
}

DType from_dl_dtype(const DLDataType& t) {
  TG_CHECK(t.lanes == 1, TypeError, "from_dlpack: vector dtypes (lanes = ", int(t.lanes),
           ") are not supported");
  const int code = t.code, bits = t.bits;
  if (code == kDLBool && bits == 8) return DType::Bool;
  if (code == kDLUInt && bits == 8) return DType::UInt8;
  if (code == kDLBfloat && bits == 16) return DType::BFloat16;
  if (code == kDLInt) {
    if (bits == 8) return DType::Int8;
    if (bits == 16) return DType::Int16;
    if (bits == 32) return DType::Int32;
    if (bits == 64) return DType::Int64;
  }
  if (code == kDLFloat) {
    if (bits == 16) return DType::Float16;
    if (bits == 32) return DType::Float32;
    if (bits == 64) return DType::Float64;
  }
  throw TypeError(msg("from_dlpack: unsupported DLPack dtype (code ", code, ", bits ", bits, ")"));
}

// What a capsule we export owns: the storage (not just the tensor: `t.data = ...` swaps a
// tensor's storage) and the shape/stride arrays.
struct ExportContext {
  std::shared_ptr<Storage> storage;
  std::vector<int64_t> shape, strides;
  DLManagedTensor managed{};
};

void delete_export(DLManagedTensor* m) { delete static_cast<ExportContext*>(m->manager_ctx); }

const char* const kCapsuleName = "dltensor";
const char* const kUsedCapsuleName = "used_dltensor";

py::capsule to_dlpack(const Tensor& t) {
  TG_CHECK(!t.requires_grad(), StateError,
           "__dlpack__: can't export a tensor that requires grad; use tensor.detach() first");
  TG_CHECK(t.device().type == DeviceType::CPU, StateError, "__dlpack__: only CPU tensors, got ",
           t.device().str());
  // The unversioned capsule cannot say read-only: a consumer would get writable memory.
  if (t.storage()->read_only)
    throw py::buffer_error(
        "__dlpack__: the tensor is read-only (it shares a non-writable NumPy array); "
        "clone() it, or ask for copy=True");
  auto* ctx = new ExportContext{t.impl()->storage, std::vector<int64_t>(t.shape().begin(), t.shape().end()),
                                std::vector<int64_t>(t.strides().begin(), t.strides().end())};
  DLTensor& dl = ctx->managed.dl_tensor;
  dl.data = t.raw_data();
  dl.device = {kDLCPU, 0};
  dl.ndim = int32_t(t.dim());
  dl.dtype = dl_dtype(t.dtype());
  dl.shape = ctx->shape.data();
  dl.strides = ctx->strides.data();
  dl.byte_offset = 0;
  ctx->managed.manager_ctx = ctx;
  ctx->managed.deleter = delete_export;
  // A capsule no consumer took still owns the tensor: its destructor frees it.
  return py::capsule(&ctx->managed, kCapsuleName, [](PyObject* cap) {
    if (std::strcmp(PyCapsule_GetName(cap), kCapsuleName) != 0) return;  // consumed
    auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap, kCapsuleName));
    if (m && m->deleter) m->deleter(m);
  });
}

Tensor from_dlpack(const py::object& obj) {
  py::object cap = obj;
  if (!PyCapsule_CheckExact(obj.ptr())) {
    TG_CHECK(py::hasattr(obj, "__dlpack__"), TypeError,
             "from_dlpack: expected an object with __dlpack__ or a ", "DLPack capsule, got ",
             std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
    if (py::hasattr(obj, "__dlpack_device__")) {
      const auto dev = obj.attr("__dlpack_device__")().cast<std::pair<int, int>>();
      TG_CHECK(dev.first == kDLCPU, StateError,
               "from_dlpack: only CPU data can be shared (DLPack device type ", dev.first, ")");
    }
    cap = obj.attr("__dlpack__")();
  }
  TG_CHECK(std::strcmp(PyCapsule_GetName(cap.ptr()), kCapsuleName) == 0, ValueError,
           "from_dlpack: the capsule was already consumed, or is not a DLPack tensor");
  auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap.ptr(), kCapsuleName));
  if (!m) throw py::error_already_set();
  const DLTensor& dl = m->dl_tensor;
  TG_CHECK(dl.device.device_type == kDLCPU, StateError, "from_dlpack: only CPU data can be shared (DLPack ",
           "device type ", dl.device.device_type, ")");
  const DType dt = from_dl_dtype(dl.dtype);
  TG_CHECK(dl.ndim >= 0, ValueError, "from_dlpack: negative ndim ", dl.ndim);
  Shape shape(dl.shape, dl.shape + dl.ndim), strides(dl.ndim);
  int64_t extent = 1;
  for (int32_t d = dl.ndim - 1; d >= 0; --d) {
    strides[d] = dl.strides ? dl.strides[d] : (d == dl.ndim - 1 ? 1 : strides[d + 1] * shape[d + 1]);
    TG_CHECK(shape[d] >= 0 && strides[d] >= 0, ValueError,
             "from_dlpack: negative sizes or strides are not supported (shape ", shape, ")");
    extent += (shape[d] - 1) * strides[d];
  }
  if (shape_numel(shape) == 0) extent = 0;
  // The capsule is ours now: the producer's deleter runs when the storage goes.
  PyCapsule_SetName(cap.ptr(), kUsedCapsuleName);
  std::shared_ptr<void> owner(m, [](void* p) {
    auto* mt = static_cast<DLManagedTensor*>(p);
    if (!mt->deleter) return;
    if (!Py_IsInitialized()) return;
    py::gil_scoped_acquire gil;  // a Python producer's deleter may touch Python objects
    mt->deleter(mt);
  });
  auto impl = std::make_shared<TensorImpl>();
  char* data = static_cast<char*>(dl.data) + dl.byte_offset;
  impl->storage = Storage::wrap(data, size_t(extent) * itemsize(dt), owner);
  impl->shape = shape;
  impl->strides = strides;
  impl->dtype = dt;
  return Tensor(impl);
}

// ---- buffer protocol ----------------------------------------------------------------------------
// struct-module format characters (bfloat16 has none).
std::string buffer_format(DType d) {
  switch (d) {
    case DType::Bool:
      return "?";
    case DType::UInt8:
      return "B";
    case DType::Int8:
      return "b";
    case DType::Int16:
      return "h";
    case DType::Int32:
      return "i";
    case DType::Int64:
      return "q";
    case DType::Float16:
      return "e";
    case DType::Float32:
      return "f";
    case DType::Float64:
      return "d";
    default:
      throw TypeError(msg("memoryview: the buffer protocol has no format for ", dtype_name(d),
                          "; convert first, e.g. t.float()"));
  }
}

// The exported view owns a reference to the storage (a later `t.data = ...` cannot free it) and
// its shape/stride arrays; a consumer that cannot take strides gets a BufferError, not a wrong read.
struct BufferExport {
  std::shared_ptr<Storage> storage;
  std::vector<Py_ssize_t> shape, strides;
  std::string format;
};

int get_buffer(PyObject* obj, Py_buffer* view, int flags) {
  try {
    const Tensor t = py::reinterpret_borrow<py::object>(obj).cast<Tensor>();
    TG_CHECK(!t.requires_grad(), StateError,
             "memoryview: can't export a tensor that requires grad; use tensor.detach() first");
    TG_CHECK(t.device().type == DeviceType::CPU, StateError, "memoryview: only CPU tensors, got ",
             t.device().str());
    const bool writable = (flags & PyBUF_WRITABLE) == PyBUF_WRITABLE;
    TG_CHECK(!writable || !t.storage()->read_only, StateError, "memoryview: the tensor is read-only");
    auto holder = std::make_unique<BufferExport>();
    holder->storage = t.impl()->storage;
    holder->format = buffer_format(t.dtype());
    const Py_ssize_t isz = Py_ssize_t(itemsize(t.dtype()));
    for (int64_t d = 0; d < t.dim(); ++d) {
      holder->shape.push_back(Py_ssize_t(t.shape()[d]));
      holder->strides.push_back(Py_ssize_t(t.strides()[d]) * isz);
    }
    const bool strided = (flags & PyBUF_STRIDES) == PyBUF_STRIDES;
    TG_CHECK(strided || t.is_contiguous(), StateError,
             "memoryview: the consumer takes only C-contiguous buffers; call contiguous() first");
    view->buf = t.raw_data();
    view->obj = obj;
    Py_INCREF(obj);
    view->len = Py_ssize_t(t.numel()) * isz;
    view->itemsize = isz;
    view->readonly = t.storage()->read_only ? 1 : 0;
    view->ndim = int(t.dim());
    view->format =
        (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? const_cast<char*>(holder->format.c_str()) : nullptr;
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? holder->shape.data() : nullptr;
    view->strides = strided ? holder->strides.data() : nullptr;
    view->suboffsets = nullptr;
    view->internal = holder.release();
    return 0;
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_BufferError, e.what());
  } catch (...) {
    PyErr_SetString(PyExc_BufferError, "memoryview: the tensor cannot be exported");
  }
  view->obj = nullptr;
  return -1;
}

void release_buffer(PyObject*, Py_buffer* view) { delete static_cast<BufferExport*>(view->internal); }

}  // namespace

void bind_interop(py::module_& m, PyTensorClass& cls) {
  cls.def(
         "__dlpack__",
         [](const Tensor& t, const py::object&, const py::object&, const py::object& dl_device,
            const py::object& copy) {
           if (!dl_device.is_none()) {
             const auto dev = dl_device.cast<std::pair<int, int>>();
             if (dev.first != kDLCPU)
               throw py::buffer_error("__dlpack__: only the CPU device (1, 0) is available");
           }
           // copy=True: a fresh copy, which the consumer then owns (and may write)
           return to_dlpack(!copy.is_none() && copy.cast<bool>() ? clone(t.detach()) : t);
         },
         py::kw_only(), py::arg("stream") = py::none(), py::arg("max_version") = py::none(),
         py::arg("dl_device") = py::none(), py::arg("copy") = py::none())
      .def("__dlpack_device__", [](const Tensor&) { return py::make_tuple(int(kDLCPU), 0); });
  // The buffer protocol by hand (not pybind11's def_buffer): the view must own the storage.
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  type->tp_as_buffer->bf_getbuffer = get_buffer;
  type->tp_as_buffer->bf_releasebuffer = release_buffer;
  m.def("from_dlpack", &from_dlpack, py::arg("ext_tensor"));
}

}  // namespace tg::py_bind
