// The Tensor class: attributes, NumPy interop (shared memory both ways), conversions and
// autograd entry points. Indexing is in indexing.cpp, creation functions in creation.cpp.
#include <cstring>

#include "common.h"

namespace tg::py_bind {

namespace {

py::object g_size_type;  // tetragrad.Size, set from Python at import

py::object size_of(const Shape& s) {
  py::tuple t(s.size());
  for (size_t i = 0; i < s.size(); ++i) t[i] = py::int_(s[i]);
  return g_size_type ? g_size_type(t) : py::object(t);
}

// bfloat16 has no NumPy dtype of its own: ml_dtypes provides it where it is installed.
py::dtype bfloat16_numpy_dtype(const char* op) {
  try {
    return py::dtype::from_args(py::module_::import("ml_dtypes").attr("bfloat16"));
  } catch (py::error_already_set&) {
    throw TypeError(msg(op,
                        ": NumPy has no bfloat16 dtype; install ml_dtypes (pip install ml_dtypes) or "
                        "convert first, e.g. t.float().numpy()"));
  }
}

py::dtype numpy_dtype(DType d) {
  if (d == DType::BFloat16) return bfloat16_numpy_dtype("numpy");
  return py::dtype(dtype_name(d));  // NumPy's names are torch's for the others
}

}  // namespace

Tensor from_numpy(const py::array& a, bool warn_read_only) {
  const char kind = a.dtype().kind();
  const ssize_t isz = a.itemsize();
  DType dt;
  const char order = a.dtype().byteorder();
  TG_CHECK(order == '=' || order == '|' || order == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? '>' : '<'),
           ValueError,
           "from_numpy: given numpy array has byte order different from the native byte order; "
           "convert with array.astype(array.dtype.newbyteorder('='))");
  const std::string name = py::str(a.dtype());
  if (kind == 'f' && isz == 4)
    dt = DType::Float32;
  else if (kind == 'f' && isz == 8)
    dt = DType::Float64;
  else if (kind == 'f' && isz == 2)
    dt = DType::Float16;
  else if (kind == 'i' && isz == 8)
    dt = DType::Int64;
  else if (kind == 'i' && isz == 4)
    dt = DType::Int32;
  else if (kind == 'i' && isz == 2)
    dt = DType::Int16;
  else if (kind == 'i' && isz == 1)
    dt = DType::Int8;
  else if (kind == 'u' && isz == 1)
    dt = DType::UInt8;
  else if (kind == 'b' && isz == 1)
    dt = DType::Bool;
  else if (name == "bfloat16" && isz == 2)  // ml_dtypes'
    dt = DType::BFloat16;
  else
    throw TypeError(msg("from_numpy: can't convert np.ndarray of type ", name,
                        ". The only supported types are: float64, float32, float16, bfloat16 (ml_dtypes), "
                        "int64, int32, int16, int8, uint8, and bool."));
  Shape shape, strides;
  int64_t extent = 1;
  for (ssize_t i = 0; i < a.ndim(); ++i) {
    shape.push_back(a.shape(i));
    TG_CHECK(a.strides(i) >= 0, ValueError,
             "from_numpy: at least one stride in the given numpy array is negative; make a copy "
             "first (array.copy())");
    TG_CHECK(a.strides(i) % isz == 0, ValueError,
             "from_numpy: given numpy array strides not a multiple of the element byte size");
    strides.push_back(a.strides(i) / isz);
    extent += (a.shape(i) - 1) * (a.strides(i) / isz);
  }
  if (shape_numel(shape) == 0) extent = 0;
  std::shared_ptr<void> owner = hold_from_cpp(a);  // the array lives as long as the storage
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = Storage::wrap(const_cast<void*>(a.data()), size_t(extent) * isz, owner);
  if (!a.writeable()) {
    // torch shares it and warns that writes are undefined (a read-only mapping crashes); here the
    // tensor is read-only: in-place writes raise, and numpy() gives a read-only array back.
    impl->storage->read_only = true;
    if (warn_read_only &&
        PyErr_WarnEx(PyExc_UserWarning,
                     "The given NumPy array is not writable: the tensor shares its memory and is "
                     "read-only (in-place operations on it raise). Copy the array, or clone() the "
                     "tensor, to get a writable one.",
                     1) < 0)
      throw py::error_already_set();
  }
  impl->shape = shape;
  impl->strides = strides;
  impl->dtype = dt;
  return Tensor(impl);
}

namespace {

py::array to_numpy(const Tensor& t) {
  TG_CHECK(!t.requires_grad(), StateError,
           "numpy: can't call numpy() on a Tensor that requires grad; use tensor.detach().numpy()");
  TG_CHECK(t.device().type == DeviceType::CPU, StateError, "numpy: can't convert a ", t.device().str(),
           " tensor to numpy; use .cpu() first");
  std::vector<ssize_t> shape(t.shape().begin(), t.shape().end()), strides;
  const ssize_t isz = (ssize_t)itemsize(t.dtype());
  for (int64_t d = 0; d < t.dim(); ++d) {
    // A dim of size <= 1 is never stepped over, whatever its stride: give numpy 0.
    ssize_t bytes = 0;
    if (t.shape()[d] > 1)
      TG_CHECK(!__builtin_mul_overflow(ssize_t(t.strides()[d]), isz, &bytes), ValueError, "numpy: stride ",
               t.strides()[d], " is too large for a numpy array");
    strides.push_back(bytes);
  }
  auto* keep = new std::shared_ptr<Storage>(t.storage());
  py::capsule base(keep, [](void* p) { delete static_cast<std::shared_ptr<Storage>*>(p); });
  py::array a(numpy_dtype(t.dtype()), shape, strides, t.raw_data(), base);
  if (t.storage()->read_only) a.attr("flags").attr("writeable") = false;
  return a;
}

py::object item_of(const Tensor& t) {
  TG_CHECK(t.numel() == 1, ValueError, "item: a Tensor with ", t.numel(),
           " elements cannot be converted to a Scalar (shape ", t.shape(), ")");
  switch (t.dtype()) {
    case DType::Bool:
      return py::bool_(*static_cast<const bool*>(t.raw_data()));
    case DType::Int64:
      return py::int_(*static_cast<const int64_t*>(t.raw_data()));
    case DType::Float32:
      return py::float_(*static_cast<const float*>(t.raw_data()));
    case DType::Float64:
      return py::float_(*static_cast<const double*>(t.raw_data()));
    default:  // the storage dtypes convert to a double exactly
      return is_integral(t.dtype()) ? py::object(py::int_(int64_t(t.item())))
                                    : py::object(py::float_(t.item()));
  }
}

}  // namespace

namespace {

// A Python hook as a GradHook. Backward runs without the GIL: the call takes it.
GradHook python_grad_hook(py::function fn) {
  auto f = hold_from_cpp(std::move(fn));
  return [f](const Tensor& grad) -> Tensor {
    py::gil_scoped_acquire gil;
    py::object r = (*f)(grad);
    if (r.is_none()) return Tensor();
    try {
      return r.cast<Tensor>();
    } catch (const py::cast_error&) {
      TG_CHECK(false, TypeError, "register_hook: a hook must return a Tensor or None, got ",
               std::string(py::str(py::type::of(r).attr("__name__"))));
    }
    return Tensor();
  };
}

}  // namespace

void bind_tensor(py::module_& m, PyTensorClass& cls) {
  py::class_<HookHandle>(m, "RemovableHandle",
                         "Returned by Tensor.register_hook: remove() unregisters the hook")
      .def("remove", &HookHandle::remove)
      .def("__enter__", [](HookHandle& h) { return h; })
      .def("__exit__", [](HookHandle& h, const py::args&) { h.remove(); })
      .def_readonly("id", &HookHandle::id);

  m.def("_set_size_type", [](py::object t) { g_size_type = t; });
  m.def("from_numpy", [](const py::array& a) { return from_numpy(a); }, py::arg("ndarray"));
  m.add_object("_cleanup", py::capsule([]() { g_size_type = py::object(); }));

  bind_creation(m);
  bind_indexing(cls);
  cls.def(py::init([](const Tensor& other) { return other.detach().impl_ptr(); }), py::arg("data"))
      .def_property_readonly("shape", [](const Tensor& t) { return size_of(t.shape()); })
      .def(
          "size",
          [](const Tensor& t, py::object dim) -> py::object {
            if (dim.is_none()) return size_of(t.shape());
            return py::int_(t.size(dim.cast<int64_t>()));
          },
          py::arg("dim") = py::none())
      .def(
          "stride",
          [](const Tensor& t, py::object dim) -> py::object {
            if (dim.is_none()) return py::tuple(py::cast(t.strides()));
            return py::int_(t.stride(dim.cast<int64_t>()));
          },
          py::arg("dim") = py::none())
      .def_property_readonly("dtype", [](const Tensor& t) { return t.dtype(); })
      .def_property_readonly("device", [](const Tensor& t) { return t.device(); })
      .def_property_readonly("ndim", [](const Tensor& t) { return t.dim(); })
      .def_property_readonly("is_cuda", [](const Tensor& t) { return t.device().type == DeviceType::CUDA; })
      .def_property_readonly("_version", [](const Tensor& t) { return t.storage()->version.load(); })
      .def_property_readonly("_is_view", [](const Tensor& t) { return t.is_view(); })
      .def("dim", [](const Tensor& t) { return t.dim(); })
      .def("ndimension", [](const Tensor& t) { return t.dim(); })
      .def("numel", [](const Tensor& t) { return t.numel(); })
      .def("nelement", [](const Tensor& t) { return t.numel(); })
      .def("element_size", [](const Tensor& t) { return itemsize(t.dtype()); })
      .def("is_contiguous", [](const Tensor& t) { return t.is_contiguous(); })
      .def("is_floating_point", [](const Tensor& t) { return is_floating(t.dtype()); })
      .def("storage_offset", [](const Tensor& t) { return t.offset(); })
      .def("data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.raw_data()); })
      .def("untyped_storage_ptr",
           [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.storage()->data); })
      .def("item", &item_of)
      .def("numpy", &to_numpy)
      .def("__len__",
           [](const Tensor& t) {
             TG_CHECK(t.dim() > 0, TypeError, "len() of a 0-d tensor");
             return t.shape()[0];
           })
      .def("__bool__",
           [](const Tensor& t) {
             TG_CHECK(t.numel() == 1, StateError,
                      "Boolean value of Tensor with more than one value is ambiguous (shape ", t.shape(),
                      ")");
             return t.item() != 0.0;
           })
      .def("__float__", [](const Tensor& t) { return py::float_(item_of(t)); })
      .def("__int__", [](const Tensor& t) { return py::int_(item_of(t)); })
      .def("__index__",
           [](const Tensor& t) {
             TG_CHECK(t.dtype() == DType::Int64 && t.numel() == 1, TypeError,
                      "only integer tensors of a single element can be converted to an index");
             return py::int_(item_of(t));
           })
      .def("__hash__",
           [](const py::object& self) { return py::hash(py::int_(reinterpret_cast<uintptr_t>(self.ptr()))); })
      // autograd
      .def_property(
          "requires_grad", [](const Tensor& t) { return t.requires_grad(); },
          [](Tensor& t, bool r) { t.set_requires_grad(r); })
      .def(
          "requires_grad_",
          [](Tensor& t, bool r) {
            t.set_requires_grad(r);
            return t;
          },
          py::arg("requires_grad") = true)
      .def_property(
          "grad", [](const Tensor& t) { return t.grad(); },
          [](Tensor& t, const py::object& value) {
            TG_CHECK(value.is_none() || py::isinstance<TensorImpl>(value), TypeError,
                     "assigned grad expected to be a Tensor or None but got grad of type ",
                     std::string(py::str(py::type::handle_of(value).attr("__name__"))));
            const std::optional<Tensor> g =
                value.is_none() ? std::nullopt : std::optional<Tensor>(value.cast<Tensor>());
            if (g) {
              TG_CHECK(g->shape() == t.shape(), ValueError, "assigned grad has shape ", g->shape(),
                       " but the tensor has shape ", t.shape());
              TG_CHECK(g->dtype() == t.dtype(), TypeError, "assigned grad has dtype ", dtype_name(g->dtype()),
                       " but the tensor has dtype ", dtype_name(t.dtype()));
            }
            t.set_grad(g ? *g : Tensor());
          })
      .def_property_readonly("_grad_fn",
                             [](const Tensor& t) {
                               if (t.requires_grad()) refresh_view_history(t);
                               return t.grad_fn();
                             })
      .def_property_readonly("is_leaf", [](const Tensor& t) { return t.is_leaf(); })
      .def(
          "register_hook",
          [](const Tensor& t, py::function hook) { return register_hook(t, python_grad_hook(hook)); },
          py::arg("hook"))
      .def("retain_grad", [](const Tensor& t) { retain_grad(t); })
      .def_property_readonly("retains_grad", [](const Tensor& t) { return retains_grad(t); })
      // t.data: the values without history; `t.data = x` swaps in x's storage, shape and
      // dtype while t keeps its identity and autograd flags (Module.to(dtype) relies on it).
      .def_property(
          "data", [](const Tensor& t) { return t.detach(); },
          [](Tensor& t, const Tensor& x) {
            TensorImpl* i = t.impl();
            const TensorImpl* o = x.impl();
            if (o->dtype != i->dtype || o->shape != i->shape) t.set_grad(Tensor());
            i->storage = o->storage;
            i->shape = o->shape;
            i->strides = o->strides;
            i->offset = o->offset;
            i->dtype = o->dtype;
            i->view_base = nullptr;
          })
      .def("detach", [](const Tensor& t) { return t.detach(); })
      .def("detach_",
           [](Tensor& t) {
             t.impl()->grad_fn = nullptr;
             t.impl()->requires_grad = false;
             return t;
           })
      .def(
          "backward",
          [](const Tensor& t, std::optional<Tensor> gradient, bool retain_graph) {
            py::gil_scoped_release nogil;
            t.backward(gradient ? *gradient : Tensor(), retain_graph);
          },
          py::arg("gradient") = py::none(), py::arg("retain_graph") = false)
      // conversions
      .def("float", [](const Tensor& t) { return to_dtype(t, DType::Float32); })
      .def("double", [](const Tensor& t) { return to_dtype(t, DType::Float64); })
      .def("long", [](const Tensor& t) { return to_dtype(t, DType::Int64); })
      .def("bool", [](const Tensor& t) { return to_dtype(t, DType::Bool); })
      .def("int", [](const Tensor& t) { return to_dtype(t, DType::Int32); })
      .def("short", [](const Tensor& t) { return to_dtype(t, DType::Int16); })
      .def("char", [](const Tensor& t) { return to_dtype(t, DType::Int8); })
      .def("byte", [](const Tensor& t) { return to_dtype(t, DType::UInt8); })
      .def("half", [](const Tensor& t) { return to_dtype(t, DType::Float16); })
      .def("bfloat16", [](const Tensor& t) { return to_dtype(t, DType::BFloat16); })
      .def("cpu", [](const Tensor& t) { return t; })
      .def("type_as", [](const Tensor& t, const Tensor& o) { return to_dtype(t, o.dtype()); })
      .def(
          "_to",
          [](const Tensor& t, const py::object& dtype, const py::object& device, bool copy) {
            if (!device.is_none()) {
              Device d = device_from(device);
              TG_CHECK(d.type == DeviceType::CPU, StateError, "to: device ", d.str(),
                       " is not available in this build");
            }
            Tensor r = to_dtype(t, dtype_or(dtype, t.dtype()));
            return copy && r.same(t) ? clone(t) : r;
          },
          py::arg("dtype") = py::none(), py::arg("device") = py::none(), py::arg("copy") = false);
}

}  // namespace tg::py_bind
