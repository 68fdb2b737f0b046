// Creation functions: zeros/ones/empty/full, arange/linspace/eye (the random ones: random.cpp), with
// torch's size conventions (f(2, 3) or f((2, 3))) and keyword arguments.
#include "common.h"

namespace tg::py_bind {

void bind_creation(py::module_& m) {
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
        return finish(arange(to_scalar(s), to_scalar(e), to_scalar(st), dt), requires_grad);
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
