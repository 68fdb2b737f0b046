// Shared pieces of the pybind11 bindings: the Tensor caster (Python objects wrap
// shared_ptr<TensorImpl>, so one C++ tensor keeps one Python identity), scalar operands,
// and argument parsing for shapes, dims and dtypes.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "tetragrad/tetragrad.h"

namespace py = pybind11;

namespace tg::py_bind {
// A Tensor argument that may also be a Python number (becomes a wrapped 0-d tensor).
struct Operand {
  Tensor t;
};
// Shares memory. A non-writable array gives a read-only tensor, with torch's warning unless
// `warn_read_only` is off (an operand that is only read).
Tensor from_numpy(const pybind11::array& a, bool warn_read_only = true);
}  // namespace tg::py_bind

namespace pybind11::detail {

template <>
struct type_caster<tg::Tensor> {
  PYBIND11_TYPE_CASTER(tg::Tensor, const_name("Tensor"));
  using holder_caster = make_caster<std::shared_ptr<tg::TensorImpl>>;
  bool load(handle src, bool convert) {
    // A cheap type test first: the generic caster's failure path (foreign-module conduits)
    // raises and clears Python exceptions, microseconds per call for every scalar operand.
    if (!isinstance<tg::TensorImpl>(src)) return false;
    holder_caster c;
    if (!c.load(src, convert)) return false;
    value = tg::Tensor(cast_op<std::shared_ptr<tg::TensorImpl>>(c));
    return value.defined();
  }
  static handle cast(const tg::Tensor& t, return_value_policy, handle) {
    if (!t.defined()) return none().release();
    return holder_caster::cast(t.impl_ptr(), return_value_policy::take_ownership, handle());
  }
};

// A Python number (bool, int, float, or a NumPy scalar) as a tg::Scalar, ints exactly.
template <>
struct type_caster<tg::Scalar> {
  PYBIND11_TYPE_CASTER(tg::Scalar, const_name("float | int | bool"));
  type_caster() : value(0) {}
  bool load(handle src, bool convert) {
    if (PyBool_Check(src.ptr())) {
      value = tg::Scalar(src.ptr() == Py_True);
      return true;
    }
    if (PyFloat_Check(src.ptr())) {
      value = tg::Scalar(PyFloat_AS_DOUBLE(src.ptr()));
      return true;
    }
    if (PyLong_Check(src.ptr()) || (PyIndex_Check(src.ptr()) && !isinstance<tg::TensorImpl>(src))) {
      object i = reinterpret_steal<object>(PyNumber_Index(src.ptr()));
      if (!i) throw error_already_set();
      int overflow = 0;
      long long v = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
      if (overflow) throw tg::ValueError("integer argument out of int64 range");
      value = tg::Scalar(int64_t(v));
      return true;
    }
    // A NumPy float32 scalar and the like: anything with a float value that is not a tensor.
    if (convert && !isinstance<tg::TensorImpl>(src) && PyObject_HasAttrString(src.ptr(), "__float__")) {
      value = tg::Scalar(PyFloat_AsDouble(src.ptr()));
      if (PyErr_Occurred()) throw error_already_set();
      return true;
    }
    return false;
  }
  static handle cast(const tg::Scalar& s, return_value_policy, handle) {
    if (s.is_bool()) return bool_(s.to<bool>()).release();
    if (s.is_integral()) return int_(s.to<int64_t>()).release();
    return float_(s.to_double()).release();
  }
};

template <>
struct type_caster<tg::py_bind::Operand> {
  PYBIND11_TYPE_CASTER(tg::py_bind::Operand, const_name("Tensor | float | int | bool"));
  bool load(handle src, bool convert) {
    make_caster<tg::Tensor> tc;
    if (tc.load(src, convert)) {
      value.t = cast_op<tg::Tensor>(tc);
      return true;
    }
    if (PyBool_Check(src.ptr())) {
      value.t = tg::wrap_scalar(src.ptr() == Py_True);
      return true;
    }
    if (PyLong_Check(src.ptr())) {
      int overflow = 0;
      long long v = PyLong_AsLongLongAndOverflow(src.ptr(), &overflow);
      if (overflow) throw tg::ValueError("integer operand out of int64 range");
      value.t = tg::wrap_scalar(int64_t(v));
      return true;
    }
    if (PyFloat_Check(src.ptr())) {
      value.t = tg::wrap_scalar(PyFloat_AS_DOUBLE(src.ptr()));
      return true;
    }
    // NumPy arrays: a tensor operand (shares memory; kernels only read it).
    if (isinstance<array>(src) && reinterpret_borrow<array>(src).ndim() > 0) {
      value.t = tg::py_bind::from_numpy(reinterpret_borrow<array>(src), /*warn_read_only=*/false);
      return true;
    }
    // NumPy scalars (and 0-d arrays): take their Python value.
    if (hasattr(src, "dtype") && hasattr(src, "item") && hasattr(src, "ndim") &&
        src.attr("ndim").cast<int>() == 0) {
      object item = src.attr("item")();
      if (PyBool_Check(item.ptr()) || PyLong_Check(item.ptr()) || PyFloat_Check(item.ptr()))
        return load(item, convert);
    }
    return false;
  }
  static handle cast(const tg::py_bind::Operand& o, return_value_policy p, handle h) {
    return make_caster<tg::Tensor>::cast(o.t, p, h);
  }
};

}  // namespace pybind11::detail

namespace tg::py_bind {

using PyTensorClass = py::class_<TensorImpl, std::shared_ptr<TensorImpl>>;

// Sizes given as f(2, 3), f((2, 3)), f([2, 3]) or f(tg.Size(...)).
Shape shape_from_args(const py::args& args, const char* op);
Shape shape_from_object(const py::handle& obj, const char* op);
// dim=None (all), an int, or a sequence of ints.
Dims dims_from(const py::object& obj);
DType dtype_or(const py::object& obj, DType fallback);
Device device_from(const py::object& obj);

// A Python object owned from C++ (a NumPy buffer, a hook): C++ may drop the last reference
// without the GIL (backward runs without it), so release takes it; after interpreter shutdown
// the object is leaked rather than touched.
inline std::shared_ptr<py::object> hold_from_cpp(py::object o) {
  return std::shared_ptr<py::object>(new py::object(std::move(o)), [](py::object* p) {
    if (!Py_IsInitialized()) return;
    py::gil_scoped_acquire gil;
    delete p;
  });
}

// The input of an in-place form's out-of-place op (self := op(self), through tg::assign_): a
// copy when autograd records, since the op may save its input and the write then changes it.
inline Tensor from_copy(const Tensor& self) { return self.requires_grad() ? clone(self) : self; }

// The method takes self; the function names it `input`, as torch does.
template <class F, class... Extra>
void def_both(py::module_& m, PyTensorClass& cls, const char* name, F&& f, const Extra&... extra) {
  cls.def(name, f, extra...);
  m.def(name, std::forward<F>(f), py::arg("input"), extra...);
}

void bind_tensor(py::module_& m, PyTensorClass& cls);
void bind_indexing(PyTensorClass& cls);
void bind_creation(py::module_& m);
void bind_ops(py::module_& m, PyTensorClass& cls);
void bind_scan(py::module_& m, PyTensorClass& cls);
void bind_shape(py::module_& m, PyTensorClass& cls);
void bind_random(py::module_& m, PyTensorClass& cls);
void bind_nn(py::module_& m, PyTensorClass& cls);
void bind_linalg(py::module_& m, PyTensorClass& cls);  // after bind_scan (return_types)
void bind_interop(py::module_& m, PyTensorClass& cls);
// out= and a one-line TypeError for every function and method (bindings/fallbacks.cpp).
void add_argument_fallbacks(py::module_& m, PyTensorClass& cls);

}  // namespace tg::py_bind
