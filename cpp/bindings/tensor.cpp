// The Tensor class: attributes, NumPy interop (shared memory both ways), indexing,
// conversions, autograd entry points, and the creation functions.
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

py::dtype numpy_dtype(DType d) {
  switch (d) {
    case DType::Bool:
      return py::dtype("bool");
    case DType::Int64:
      return py::dtype("int64");
    case DType::Float32:
      return py::dtype("float32");
    case DType::Float64:
      return py::dtype("float64");
  }
  return py::dtype("float32");
}

Tensor from_numpy(const py::array& a) {
  const char kind = a.dtype().kind();
  const ssize_t isz = a.itemsize();
  DType dt;
  const char order = a.dtype().byteorder();
  TG_CHECK(order == '=' || order == '|' || order == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? '>' : '<'),
           ValueError,
           "from_numpy: given numpy array has byte order different from the native byte order; "
           "convert with array.astype(array.dtype.newbyteorder('='))");
  if (kind == 'f' && isz == 4)
    dt = DType::Float32;
  else if (kind == 'f' && isz == 8)
    dt = DType::Float64;
  else if (kind == 'i' && isz == 8)
    dt = DType::Int64;
  else if (kind == 'b' && isz == 1)
    dt = DType::Bool;
  else
    throw TypeError(msg("from_numpy: can't convert np.ndarray of type ", std::string(py::str(a.dtype())),
                        ". The only supported types are: float64, float32, int64, and bool."));
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
  // Keep the array alive as long as the storage; dropping it needs the GIL.
  auto* keep = new py::object(a);
  std::shared_ptr<void> owner(keep, [](void* p) {
    py::gil_scoped_acquire gil;
    delete static_cast<py::object*>(p);
  });
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = Storage::wrap(const_cast<void*>(a.data()), size_t(extent) * isz, owner);
  impl->shape = shape;
  impl->strides = strides;
  impl->dtype = dt;
  return Tensor(impl);
}

py::array to_numpy(const Tensor& t) {
  TG_CHECK(!t.requires_grad(), StateError,
           "numpy: can't call numpy() on a Tensor that requires grad; use tensor.detach().numpy()");
  TG_CHECK(t.device().type == DeviceType::CPU, StateError, "numpy: can't convert a ", t.device().str(),
           " tensor to numpy; use .cpu() first");
  std::vector<ssize_t> shape(t.shape().begin(), t.shape().end()), strides;
  const ssize_t isz = (ssize_t)itemsize(t.dtype());
  for (int64_t s : t.strides()) strides.push_back(s * isz);
  auto* keep = new std::shared_ptr<Storage>(t.storage());
  py::capsule base(keep, [](void* p) { delete static_cast<std::shared_ptr<Storage>*>(p); });
  return py::array(numpy_dtype(t.dtype()), shape, strides, t.raw_data(), base);
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
  }
  return py::none();
}

// ---- indexing ----------------------------------------------------------------------------------

bool is_bool_mask(const py::handle& h) {
  if (py::isinstance<TensorImpl>(h)) return h.cast<Tensor>().dtype() == DType::Bool;
  return false;
}

// An advanced index as an int64 or bool tensor (from a tensor, list or array), else undefined.
Tensor as_index_tensor(const py::handle& h) {
  if (py::isinstance<TensorImpl>(h)) return h.cast<Tensor>();
  if (py::isinstance<py::list>(h) || py::isinstance<py::array>(h)) {
    py::array a = py::module_::import("numpy").attr("asarray")(h);
    if (a.dtype().kind() == 'b') return clone(from_numpy(a.attr("astype")("bool")));
    if (a.dtype().kind() == 'i' || a.dtype().kind() == 'u' || a.size() == 0)
      return clone(from_numpy(a.attr("astype")("int64")));
    throw TypeError(msg("index: tensors used as indices must be long or bool, got array of ",
                        std::string(py::str(a.dtype()))));
  }
  return Tensor();
}

struct IndexResult {
  Tensor view;          // result of basic indexing (a view)
  Tensor adv;           // advanced index (int64 or bool), if any
  int64_t adv_dim = 0;  // dim of `view` it applies to
};

IndexResult apply_basic(const Tensor& self, const py::object& index) {
  py::tuple items = py::isinstance<py::tuple>(index) ? index.cast<py::tuple>() : py::make_tuple(index);
  int64_t consumed = 0;
  bool ellipsis = false;
  for (py::handle h : items) {
    if (h.is_none()) continue;
    if (h.ptr() == Py_Ellipsis) {
      TG_CHECK(!ellipsis, IndexError, "index: an index can only have a single ellipsis ('...')");
      ellipsis = true;
      continue;
    }
    if (is_bool_mask(h))
      consumed += std::max<int64_t>(h.cast<Tensor>().dim(), 1);
    else
      consumed += 1;
  }
  TG_CHECK(consumed <= self.dim(), IndexError, "index: too many indices for tensor of dimension ", self.dim(),
           " (shape ", self.shape(), ")");
  IndexResult r;
  r.view = self;
  int64_t d = 0;
  for (py::handle h : items) {
    if (h.ptr() == Py_Ellipsis) {
      d += self.dim() - consumed;
    } else if (h.is_none()) {
      r.view = unsqueeze(r.view, d++);
    } else if (PyBool_Check(h.ptr())) {
      throw IndexError("index: a Python bool is not a supported index; use a bool tensor");
    } else if (PyLong_Check(h.ptr()) || (PyIndex_Check(h.ptr()) && !py::isinstance<TensorImpl>(h))) {
      r.view = select(r.view, d, py::cast<int64_t>(h));
    } else if (PySlice_Check(h.ptr())) {
      Py_ssize_t start, stop, step;
      if (PySlice_Unpack(h.ptr(), &start, &stop, &step) < 0) throw py::error_already_set();
      TG_CHECK(step > 0, ValueError, "index: step must be greater than zero");
      const int64_t n = r.view.size(d);
      // PySlice_Unpack gives PY_SSIZE_T bounds for None; slice() clamps.
      r.view = slice(r.view, d, start < -n ? 0 : start, stop > n ? n : stop, step);
      ++d;
    } else {
      Tensor idx = as_index_tensor(h);
      TG_CHECK(idx.defined(), TypeError, "index: unsupported index type ",
               std::string(py::str(py::type::handle_of(h).attr("__name__"))));
      if (idx.dim() == 0 && idx.dtype() == DType::Int64) {
        r.view = select(r.view, d, int64_t(idx.item()));
        continue;
      }
      TG_CHECK(!r.adv.defined(), IndexError,
               "index: only one tensor (advanced) index per indexing expression is supported");
      TG_CHECK(idx.dtype() == DType::Int64 || idx.dtype() == DType::Bool, TypeError,
               "index: tensors used as indices must be long or bool tensors, got ", dtype_name(idx.dtype()));
      r.adv = idx;
      r.adv_dim = d;
      d += idx.dtype() == DType::Bool ? std::max<int64_t>(idx.dim(), 1) : 1;
    }
  }
  return r;
}

// Positions of the true entries of a bool mask (flattened).
Tensor nonzero_flat(const Tensor& mask) {
  Tensor m = contiguous(mask.detach());
  std::vector<int64_t> pos;
  const bool* p = m.data<bool>();
  for (int64_t i = 0; i < m.numel(); ++i)
    if (p[i]) pos.push_back(i);
  Tensor idx = Tensor::empty({(int64_t)pos.size()}, DType::Int64);
  if (!pos.empty()) std::memcpy(idx.raw_data(), pos.data(), pos.size() * sizeof(int64_t));
  return idx;
}

// Flatten the dims a bool mask covers into one, and turn the mask into positions.
std::pair<Tensor, Tensor> mask_to_positions(const Tensor& v, const Tensor& mask, int64_t d) {
  const int64_t k = std::max<int64_t>(mask.dim(), 1);
  for (int64_t i = 0; i < mask.dim(); ++i)
    TG_CHECK(mask.shape()[i] == v.size(d + i), IndexError, "index: the shape of the mask ", mask.shape(),
             " does not match the shape of the indexed tensor ", v.shape(), " at dimension ", d + i);
  Shape s(v.shape().begin(), v.shape().begin() + d);
  s.push_back(std::max<int64_t>(mask.numel(), 1));  // explicit: -1 is ambiguous when a dim is 0
  s.insert(s.end(), v.shape().begin() + d + k, v.shape().end());
  Tensor flat = mask.dim() == 0 ? unsqueeze(v, d) : reshape(v, s);
  return {flat, nonzero_flat(mask)};
}

// Python-style: negative indices count from the end (range errors are left to the op).
Tensor wrap_negative(const Tensor& idx, int64_t n) {
  Tensor r = clone(idx.detach());
  int64_t* p = r.data<int64_t>();
  for (int64_t i = 0; i < r.numel(); ++i)
    if (p[i] < 0 && p[i] >= -n) p[i] += n;
  return r;
}

Tensor getitem(const Tensor& self, const py::object& index) {
  IndexResult r = apply_basic(self, index);
  if (!r.adv.defined()) return r.view;
  const int64_t d = r.adv_dim;
  if (r.adv.dtype() == DType::Bool) {
    auto [flat, pos] = mask_to_positions(r.view, r.adv, d);
    return index_select(flat, d, pos);
  }
  Tensor sel = index_select(r.view, d, wrap_negative(reshape(r.adv, {-1}), r.view.size(d)));
  Shape s(sel.shape().begin(), sel.shape().begin() + d);
  s.insert(s.end(), r.adv.shape().begin(), r.adv.shape().end());
  s.insert(s.end(), sel.shape().begin() + d + 1, sel.shape().end());
  return reshape(sel, s);
}

void setitem(Tensor& self, const py::object& index, const Operand& value) {
  IndexResult r = apply_basic(self, index);
  Tensor v = value.t;
  // Leading size-1 dims of the value beyond the target's rank are dropped, as in torch.
  while (v.dim() > r.view.dim() && v.shape()[0] == 1) v = squeeze(v, 0);
  if (!r.adv.defined()) {
    copy_(r.view, v);
    return;
  }
  Tensor idx = r.adv;
  int64_t d = r.adv_dim;
  Tensor target = r.view;
  if (idx.dtype() == DType::Bool) {
    auto [flat, pos] = mask_to_positions(r.view, r.adv, d);
    target = flat;
    idx = pos;
  }
  // index_put: write each selected slice (value broadcasts over the selected block).
  Tensor flat_idx = contiguous(reshape(idx, {-1}));
  const int64_t n = flat_idx.numel();
  Shape block = target.shape();
  block[d] = n;
  Tensor vb = contiguous(expand(v.dtype() == target.dtype() ? v : to_dtype(v, target.dtype()), block));
  for (int64_t j = 0; j < n; ++j) {
    int64_t i = flat_idx.data<int64_t>()[j];
    TG_CHECK(i >= -target.size(d) && i < target.size(d), IndexError, "index ", i,
             " is out of bounds for dimension ", d, " with size ", target.size(d));
    Tensor dst = select(target, d, i);
    copy_(dst, select(vb, d, j));
  }
}

}  // namespace

void bind_tensor(py::module_& m, PyTensorClass& cls) {
  m.def("_set_size_type", [](py::object t) { g_size_type = t; });
  m.def("from_numpy", &from_numpy, py::arg("ndarray"));
  m.add_object("_cleanup", py::capsule([]() { g_size_type = py::object(); }));

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
      .def("__getitem__", &getitem)
      .def("__setitem__", [](Tensor& t, const py::object& i, const Operand& v) { setitem(t, i, v); })
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
          [](Tensor& t, const std::optional<Tensor>& g) {
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

  // ---- creation -----------------------------------------------------------------------------
  auto finish = [](Tensor t, bool requires_grad) {
    if (requires_grad) t.set_requires_grad(true);
    return t;
  };
  auto creator = [&](const char* name, double value, bool uninit) {
    m.def(
        name,
        [finish, value, uninit, name](py::args size, py::object dtype, py::object device,
                                      bool requires_grad) {
          Shape s = shape_from_args(size, name);
          DType dt = dtype_or(dtype, default_dtype());
          Device dev = device_from(device);
          return finish(uninit ? empty(s, dt, dev) : full(s, value, dt, dev), requires_grad);
        },
        py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
        py::arg("requires_grad") = false);
  };
  creator("zeros", 0.0, false);
  creator("ones", 1.0, false);
  creator("empty", 0.0, true);
  m.def(
      "full",
      [finish](py::object size, Operand value, py::object dtype, py::object device, bool requires_grad) {
        DType dt = dtype_or(dtype, value.t.dtype() == DType::Float64 ? default_dtype() : value.t.dtype());
        Tensor t = empty(shape_from_object(size, "full"), dt, device_from(device));
        copy_(t, value.t);
        return finish(t, requires_grad);
      },
      py::arg("size"), py::arg("fill_value"), py::kw_only(), py::arg("dtype") = py::none(),
      py::arg("device") = py::none(), py::arg("requires_grad") = false);
  auto random = [&](const char* name, bool normal) {
    m.def(
        name,
        [finish, normal, name](py::args size, py::object dtype, py::object device, bool requires_grad) {
          Shape s = shape_from_args(size, name);
          device_from(device);
          DType dt = dtype_or(dtype, default_dtype());
          return finish(normal ? randn(s, dt) : rand(s, dt), requires_grad);
        },
        py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
        py::arg("requires_grad") = false);
  };
  random("rand", false);
  random("randn", true);
  // randint(high, size) or randint(low, high, size), as torch.
  m.def(
      "randint",
      [](int64_t low, py::object high, py::object size, py::object dtype, py::object device) {
        device_from(device);
        if (size.is_none()) {
          TG_CHECK(!high.is_none(), TypeError, "randint: missing the size argument");
          size = high;
          high = py::int_(low);
          low = 0;
        }
        return randint(low, high.cast<int64_t>(), shape_from_object(size, "randint"),
                       dtype_or(dtype, DType::Int64));
      },
      py::arg("low"), py::arg("high") = py::none(), py::arg("size") = py::none(), py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("device") = py::none());
  m.def(
      "arange",
      [finish](Operand start, py::object end, Operand step, py::object dtype, py::object device,
               bool requires_grad) {
        Tensor s = start.t, e, st = step.t;
        if (end.is_none()) {
          e = s;
          s = wrap_scalar(int64_t(0));
        } else {
          e = end.cast<Operand>().t;
        }
        const bool any_float = is_floating(s.dtype()) || is_floating(e.dtype()) || is_floating(st.dtype());
        device_from(device);
        DType dt = dtype_or(dtype, any_float ? default_dtype() : DType::Int64);
        return finish(arange(s.item(), e.item(), st.item(), dt), requires_grad);
      },
      py::arg("start"), py::arg("end") = py::none(), py::arg("step") = 1, py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("device") = py::none(), py::arg("requires_grad") = false);
  m.def(
      "linspace",
      [finish](double start, double end, int64_t steps, py::object dtype, py::object device,
               bool requires_grad) {
        device_from(device);
        return finish(linspace(start, end, steps, dtype_or(dtype, default_dtype())), requires_grad);
      },
      py::arg("start"), py::arg("end"), py::arg("steps"), py::kw_only(), py::arg("dtype") = py::none(),
      py::arg("device") = py::none(), py::arg("requires_grad") = false);
  m.def(
      "eye",
      [finish](int64_t n, std::optional<int64_t> mm, py::object dtype, py::object device,
               bool requires_grad) {
        device_from(device);
        return finish(eye(n, mm ? *mm : n, dtype_or(dtype, default_dtype())), requires_grad);
      },
      py::arg("n"), py::arg("m") = py::none(), py::kw_only(), py::arg("dtype") = py::none(),
      py::arg("device") = py::none(), py::arg("requires_grad") = false);
}

}  // namespace tg::py_bind
