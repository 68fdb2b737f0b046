// tetragrad._C: errors, dtypes, devices, grad mode and the autograd graph, plus the
// argument parsers the other binding files share.
#include <sstream>

#include "common.h"

namespace tg::py_bind {

Shape shape_from_object(const py::handle& obj, const char* op) {
  Shape s;
  if (PyLong_Check(obj.ptr()) || PyIndex_Check(obj.ptr())) {
    s.push_back(py::cast<int64_t>(obj));
    return s;
  }
  if (!py::isinstance<py::sequence>(obj) || py::isinstance<py::str>(obj))
    throw TypeError(msg(op, ": size must be a sequence of ints, got ",
                        std::string(py::str(py::type::handle_of(obj).attr("__name__")))));
  for (py::handle h : obj) {
    if (!(PyLong_Check(h.ptr()) || PyIndex_Check(h.ptr())) || PyBool_Check(h.ptr()))
      throw TypeError(msg(op, ": size must contain only ints, got ", std::string(py::repr(obj))));
    s.push_back(py::cast<int64_t>(h));
  }
  return s;
}

Shape shape_from_args(const py::args& args, const char* op) {
  if (args.size() == 1 && !PyLong_Check(args[0].ptr())) return shape_from_object(args[0], op);
  Shape s;
  for (py::handle h : args) {
    if (!(PyLong_Check(h.ptr()) || PyIndex_Check(h.ptr())) || PyBool_Check(h.ptr()))
      throw TypeError(msg(op, ": size must contain only ints, got ", std::string(py::repr(args))));
    s.push_back(py::cast<int64_t>(h));
  }
  return s;
}

Dims dims_from(const py::object& obj) {
  if (obj.is_none()) return {};
  if (PyLong_Check(obj.ptr()) || PyIndex_Check(obj.ptr())) return {py::cast<int64_t>(obj)};
  return shape_from_object(obj, "dim");
}

DType dtype_or(const py::object& obj, DType fallback) {
  if (obj.is_none()) return fallback;
  try {
    return obj.cast<DType>();
  } catch (const py::cast_error&) {
    throw TypeError(msg("expected a tetragrad dtype, got ", std::string(py::repr(obj))));
  }
}

Device device_from(const py::object& obj) {
  if (obj.is_none()) return Device{};
  if (py::isinstance<Device>(obj)) return obj.cast<Device>();
  if (py::isinstance<py::str>(obj)) {
    std::string s = obj.cast<std::string>();
    Device d;
    std::string type = s.substr(0, s.find(':'));
    if (type == "cpu")
      d.type = DeviceType::CPU;
    else if (type == "cuda")
      d.type = DeviceType::CUDA;
    else
      throw ValueError(msg("Expected one of cpu, cuda device type at start of device string: ", s));
    if (s.find(':') != std::string::npos) d.index = std::stoi(s.substr(s.find(':') + 1));
    return d;
  }
  throw TypeError(msg("expected a device or a string, got ", std::string(py::repr(obj))));
}

}  // namespace tg::py_bind

using namespace tg;
using namespace tg::py_bind;

PYBIND11_MODULE(_C, m) {
  m.doc() = "tetragrad C++ core";

  // Typed C++ errors -> Python exceptions. torch raises RuntimeError for shape, value, index and
  // dtype mistakes where Python code expects ValueError, IndexError and TypeError: each class is
  // both, so either handler catches it. Integer division by zero is a RuntimeError in torch and
  // a ZeroDivisionError in Python.
  auto error_class = [&m](const char* name, PyObject* python_base, const char* doc) {
    py::object type = py::reinterpret_borrow<py::object>((PyObject*)&PyType_Type);
    py::dict ns;
    ns["__module__"] = "tetragrad";
    ns["__doc__"] = doc;
    py::object cls = type(name, py::make_tuple(py::handle(python_base), py::handle(PyExc_RuntimeError)), ns);
    m.attr(name) = cls;
    return cls.release();
  };
  static py::handle value_error = error_class("TensorValueError", PyExc_ValueError,
                                              "Bad shapes or values: both a ValueError and a RuntimeError.");
  static py::handle type_error =
      error_class("TensorTypeError", PyExc_TypeError,
                  "A dtype the op does not take: both a TypeError and a RuntimeError.");
  static py::handle index_error = error_class(
      "TensorIndexError", PyExc_IndexError, "An index out of range: both an IndexError and a RuntimeError.");
  static py::handle zero_division =
      error_class("ZeroDivisionError", PyExc_ZeroDivisionError,
                  "Integer division by zero: both a ZeroDivisionError and a RuntimeError.");
  static py::handle linalg_error = [&m] {  // torch.linalg.LinAlgError: also a TensorValueError
    py::object type = py::reinterpret_borrow<py::object>((PyObject*)&PyType_Type);
    py::dict ns;
    ns["__module__"] = "tetragrad.linalg";
    ns["__doc__"] = "A matrix the op cannot handle (singular, not positive-definite, no convergence).";
    py::object cls = type("LinAlgError", py::make_tuple(value_error), ns);
    m.attr("_LinAlgError") = cls;
    return cls.release();
  }();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const tg::LinAlgError& e) {
      PyErr_SetString(linalg_error.ptr(), e.what());
    } catch (const tg::ValueError& e) {
      PyErr_SetString(value_error.ptr(), e.what());
    } catch (const tg::TypeError& e) {
      PyErr_SetString(type_error.ptr(), e.what());
    } catch (const tg::IndexError& e) {
      PyErr_SetString(index_error.ptr(), e.what());
    } catch (const tg::IOError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const tg::ZeroDivisionError& e) {
      PyErr_SetString(zero_division.ptr(), e.what());
    } catch (const tg::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  py::enum_<DType>(m, "dtype")
      .value("bool", DType::Bool)
      .value("int64", DType::Int64)
      .value("float32", DType::Float32)
      .value("float64", DType::Float64)
      .value("int32", DType::Int32)
      .value("int16", DType::Int16)
      .value("int8", DType::Int8)
      .value("uint8", DType::UInt8)
      .value("float16", DType::Float16)
      .value("bfloat16", DType::BFloat16)
      .def("__repr__", [](DType d) { return std::string("tetragrad.") + dtype_name(d); })
      .def("__str__", [](DType d) { return std::string("tetragrad.") + dtype_name(d); })
      .def_property_readonly("is_floating_point", [](DType d) { return is_floating(d); })
      .def_property_readonly("itemsize", [](DType d) { return itemsize(d); })
      .def_property_readonly("is_signed", [](DType d) { return d != DType::Bool && d != DType::UInt8; });

  py::class_<Device>(m, "device")
      .def(py::init([](const py::object& o) { return device_from(o); }), py::arg("type"))
      .def(py::init([](const std::string& type, int index) {
             Device d = device_from(py::str(type));
             d.index = index;
             return d;
           }),
           py::arg("type"), py::arg("index"))
      .def_property_readonly("type",
                             [](const Device& d) { return d.type == DeviceType::CPU ? "cpu" : "cuda"; })
      .def_property_readonly("index",
                             [](const Device& d) -> py::object {
                               return d.index < 0 ? py::none() : py::object(py::int_(d.index));
                             })
      .def("__repr__",
           [](const Device& d) {
             std::string r =
                 std::string("device(type='") + (d.type == DeviceType::CPU ? "cpu" : "cuda") + "'";
             if (d.index >= 0) r += ", index=" + std::to_string(d.index);
             return r + ")";
           })
      .def("__str__", &Device::str)
      .def("__eq__",
           [](const Device& a, const py::object& b) {
             try {
               return a == device_from(b);
             } catch (...) {
               return false;
             }
           })
      .def("__hash__", [](const Device& d) { return int(d.type) * 1000 + d.index; });

  // Autograd graph nodes (grad_fn).
  py::class_<Node, std::shared_ptr<Node>>(m, "Node")
      .def("name", &Node::name)
      .def_property_readonly("_ptr", [](const Node& n) { return reinterpret_cast<uintptr_t>(&n); })
      .def_property_readonly("next_functions",
                             [](const Node& n) {
                               py::list l;
                               for (const Edge& e : n.next_edges)
                                 l.append(py::make_tuple(e.fn ? py::cast(e.fn) : py::none(), e.input_nr));
                               return py::tuple(l);
                             })
      .def("__repr__", [](const Node& n) {
        std::ostringstream os;
        os << "<" << n.name() << " object at " << &n << ">";
        return os.str();
      });

  m.def("is_grad_enabled", &GradMode::is_enabled);
  m.def("set_grad_enabled", &GradMode::set_enabled, py::arg("mode"));
  m.def(  // set the mode, return the previous one (one call per no_grad enter/exit)
      "_exchange_grad_mode",
      [](bool mode) {
        const bool prev = GradMode::is_enabled();
        GradMode::set_enabled(mode);
        return prev;
      },
      py::arg("mode"));
  m.def(
      "backward",
      [](const std::vector<Tensor>& roots, const std::vector<std::optional<Tensor>>& grads, bool retain,
         const std::vector<Tensor>& inputs) {
        TensorList g;
        for (auto& x : grads) g.push_back(x ? *x : Tensor());
        py::gil_scoped_release nogil;
        return run_backward(roots, g, retain, inputs);
      },
      py::arg("tensors"), py::arg("grad_tensors"), py::arg("retain_graph") = false,
      py::arg("inputs") = std::vector<Tensor>{});

  m.def(
      "_record_function",
      [](const std::string& name, const std::vector<std::optional<Tensor>>& inputs,
         const std::vector<std::optional<Tensor>>& outputs, py::function backward) {
        TensorList in, out;
        for (auto& x : inputs) in.push_back(x ? *x : Tensor());
        for (auto& x : outputs) out.push_back(x ? *x : Tensor());
        auto f = hold_from_cpp(std::move(backward));  // backward runs without the GIL: the call takes it
        record_function(name, in, out, [f](const TensorList& grads) {
          py::gil_scoped_acquire gil;
          py::list gs;
          for (const Tensor& g : grads) gs.append(g.defined() ? py::cast(g) : py::none());
          TensorList r;
          for (py::handle h : (*f)(gs)) r.push_back(h.is_none() ? Tensor() : h.cast<Tensor>());
          return r;
        });
      },
      py::arg("name"), py::arg("inputs"), py::arg("outputs"), py::arg("backward"));

  m.def("set_num_threads", &set_num_threads, py::arg("n"));
  m.def("get_num_threads", &get_num_threads);
  m.def("_use_deterministic_algorithms", &use_deterministic_algorithms, py::arg("mode"));
  m.def("are_deterministic_algorithms_enabled", &are_deterministic_algorithms_enabled);
  m.def("_parallel_team_size", &parallel_team_size, py::arg("work"),
        "Threads a parallel kernel over `work` elements runs on from the calling thread (tests).");
  m.def("_get_cpu_capability", [] { return std::string(cpu_capability_name(get_cpu_capability())); });
  m.def("_supported_cpu_capabilities", [] {
    std::vector<std::string> r;
    for (CpuCapability c : supported_cpu_capabilities()) r.push_back(cpu_capability_name(c));
    return r;
  });
  m.def(
      "_set_cpu_capability", [](const std::string& name) { set_cpu_capability(parse_cpu_capability(name)); },
      py::arg("name"),
      "Switch the CPU kernels to another built and supported capability (tests, benchmarks).");
  m.def("promote_types", &promote_types, py::arg("type1"), py::arg("type2"));
  m.def("can_cast", &can_cast, py::arg("from_"), py::arg("to"));
  m.def(
      "result_type",
      [](const py::object& a, const py::object& b) {
        return result_type(a.cast<Operand>().t, b.cast<Operand>().t);
      },
      py::arg("tensor1"), py::arg("tensor2"));
  m.def("get_default_dtype", &default_dtype);
  m.def("set_default_dtype", &set_default_dtype, py::arg("d"));

  // No per-instance __dict__ (it would make every tensor GC-tracked); subclasses such as
  // nn.Parameter get one from Python.
  PyTensorClass cls(m, "Tensor", py::buffer_protocol());
  bind_tensor(m, cls);
  bind_interop(m, cls);
  bind_ops(m, cls);
  bind_scan(m, cls);
  bind_linalg(m, cls);
  bind_shape(m, cls);
  bind_random(m, cls);
  bind_nn(m, cls);
  add_argument_fallbacks(m, cls);  // last: it follows every function's typed overloads
}
