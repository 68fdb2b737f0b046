// tetragrad.Generator and the random functions, each with torch's `generator=` keyword (None:
// the default generator, tetragrad.default_generator, which manual_seed seeds).
#include "common.h"

namespace tg::py_bind {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

Generator* generator_from(const py::object& g) {
  if (g.is_none()) return nullptr;
  TG_CHECK(py::isinstance<Generator>(g), TypeError, "generator: expected a tetragrad.Generator, got ",
           std::string(py::str(py::type::of(g).attr("__name__"))));
  return g.cast<Generator*>();
}

// A seed from Python: any int, taken modulo 2^64 as torch does (negative seeds wrap).
uint64_t seed_from(const py::int_& s) {
  return py::reinterpret_steal<py::object>(PyNumber_And(s.ptr(), py::int_(~uint64_t(0)).ptr()))
      .cast<uint64_t>();
}

Tensor finish(Tensor t, bool requires_grad) {
  if (requires_grad) t.set_requires_grad(true);
  return t;
}

}  // namespace

void bind_random(py::module_& m, PyTensorClass& cls) {
  py::class_<Generator>(m, "Generator", "A random number generator (torch.Generator): a seed and a counter.")
      .def(py::init([](const py::object& device) {
             device_from(device);
             return new Generator();
           }),
           py::arg("device") = "cpu")
      .def(
          "manual_seed",
          [](Generator& g, const py::int_& s) -> Generator& { return g.manual_seed(seed_from(s)), g; },
          py::arg("seed"), py::return_value_policy::reference_internal)
      .def("seed", &Generator::seed)
      .def("initial_seed", &Generator::initial_seed)
      // The state is [seed, offset] as an int64 tensor (bit patterns of the uint64s).
      .def("get_state",
           [](const Generator& g) {
             auto [seed, off] = g.get_state();
             Tensor t = empty({2}, DType::Int64);
             t.data<int64_t>()[0] = int64_t(seed), t.data<int64_t>()[1] = int64_t(off);
             return t;
           })
      .def(
          "set_state",
          [](Generator& g, const Tensor& state) -> Generator& {
            TG_CHECK(state.dtype() == DType::Int64 && state.dim() == 1 && state.numel() == 2, ValueError,
                     "set_state: expected the int64 tensor of shape [2] that get_state returns, got ",
                     dtype_name(state.dtype()), " of shape ", state.shape());
            const Tensor c = contiguous(state);
            g.set_state(uint64_t(c.data<int64_t>()[0]), uint64_t(c.data<int64_t>()[1]));
            return g;
          },
          py::arg("new_state"), py::return_value_policy::reference_internal)
      .def_property_readonly("device", [](const Generator&) { return Device{}; });
  m.attr("default_generator") = py::cast(&default_generator(), py::return_value_policy::reference);
  m.def(
      "manual_seed",
      [](const py::int_& s) -> Generator& {
        manual_seed(seed_from(s));
        return default_generator();
      },
      py::arg("seed"), py::return_value_policy::reference);

  for (bool normal : {false, true})
    m.def(
        normal ? "randn" : "rand",
        [normal](py::args size, const py::object& generator, py::object dtype, py::object device,
                 bool requires_grad) {
          const Shape s = shape_from_args(size, normal ? "randn" : "rand");
          const Device dev = device_from(device);
          const DType dt = dtype_or(dtype, default_dtype());
          Generator* g = generator_from(generator);
          return finish(normal ? randn(s, dt, dev, g) : rand(s, dt, dev, g), requires_grad);
        },
        py::kw_only(), py::arg("generator") = py::none(), py::arg("dtype") = py::none(),
        py::arg("device") = py::none(), py::arg("requires_grad") = false);
  // randint(high, size) or randint(low, high, size), as torch.
  m.def(
      "randint",
      [](int64_t low, py::object high, py::object size, const py::object& generator, py::object dtype,
         py::object device, bool requires_grad) {
        const Device dev = device_from(device);
        if (size.is_none()) {
          TG_CHECK(!high.is_none(), TypeError, "randint: missing the size argument");
          size = high;
          high = py::int_(low);
          low = 0;
        }
        return finish(randint(low, high.cast<int64_t>(), shape_from_object(size, "randint"),
                              dtype_or(dtype, DType::Int64), dev, generator_from(generator)),
                      requires_grad);
      },
      py::arg("low"), py::arg("high") = py::none(), py::arg("size") = py::none(), py::kw_only(),
      py::arg("generator") = py::none(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
      py::arg("requires_grad") = false);
  m.def(
      "randperm",
      [](int64_t n, const py::object& generator, py::object dtype, py::object device, bool requires_grad) {
        Generator* g = generator_from(generator);
        const DType dt = dtype_or(dtype, DType::Int64);
        const Device dev = device_from(device);
        py::gil_scoped_release release;
        return finish(randperm(n, dt, dev, g), requires_grad);
      },
      py::arg("n"), py::kw_only(), py::arg("generator") = py::none(), py::arg("dtype") = py::none(),
      py::arg("device") = py::none(), py::arg("requires_grad") = false);
  def_both(
      m, cls, "multinomial",
      [](const Tensor& p, int64_t n, bool replacement, const py::object& generator) {
        Generator* g = generator_from(generator);
        py::gil_scoped_release release;
        return multinomial(p, n, replacement, g);
      },
      py::arg("num_samples"), py::arg("replacement") = false, py::kw_only(),
      py::arg("generator") = py::none());
  def_both(
      m, cls, "bernoulli",
      [](const Tensor& x, const py::object& p, const py::object& generator) {
        Generator* g = generator_from(generator);
        if (p.is_none()) return bernoulli(x, g);
        Tensor out = empty(x.shape(), x.dtype());
        return bernoulli_(out, p.cast<double>(), g);
      },
      py::arg("p") = py::none(), py::kw_only(), py::arg("generator") = py::none());
  // normal(mean, std, *, generator) with tensors or numbers; normal(mean, std, size) for numbers.
  m.def(
      "normal",
      [](const Operand& mean, const Operand& std, const py::object& size, const py::object& generator,
         py::object dtype, bool requires_grad) {
        Generator* g = generator_from(generator);
        if (!size.is_none()) {
          Tensor t = empty(shape_from_object(size, "normal"), dtype_or(dtype, default_dtype()));
          return finish(normal_(t, to_scalar(mean.t).to_double(), to_scalar(std.t).to_double(), g),
                        requires_grad);
        }
        TG_CHECK(!(mean.t.impl()->is_wrapped_number && std.t.impl()->is_wrapped_number), TypeError,
                 "normal: with a number mean and std, give the size: normal(mean, std, size)");
        return finish(normal(mean.t, std.t, g), requires_grad);
      },
      py::arg("mean"), py::arg("std") = 1.0, py::arg("size") = py::none(), py::kw_only(),
      py::arg("generator") = py::none(), py::arg("dtype") = py::none(), py::arg("requires_grad") = false);
  m.def(
      "_standard_gamma",
      [](const Tensor& alpha, const py::object& generator) {
        Generator* g = generator_from(generator);
        py::gil_scoped_release release;
        return standard_gamma(alpha, g);
      },
      py::arg("input"), py::arg("generator") = py::none());
  m.def(
      "poisson",
      [](const Tensor& rate, const py::object& generator) {
        return poisson(rate, generator_from(generator));
      },
      py::arg("input"), py::arg("generator") = py::none());

  // In-place fillers: x.<name>_(..., generator=None) returns x.
  auto filler = [&](const char* name, auto fn, auto... args) {
    cls.def(
        name,
        [fn](Tensor& x, double a, double b, const py::object& generator) -> Tensor& {
          Generator* g = generator_from(generator);
          py::gil_scoped_release release;
          return fn(x, a, b, g);
        },
        args..., py::kw_only(), py::arg("generator") = py::none());
  };
  filler(
      "uniform_", [](Tensor& x, double a, double b, Generator* g) -> Tensor& { return uniform_(x, a, b, g); },
      py::arg("from_") = 0.0, py::arg("to") = 1.0);
  filler(
      "normal_", [](Tensor& x, double a, double b, Generator* g) -> Tensor& { return normal_(x, a, b, g); },
      py::arg("mean") = 0.0, py::arg("std") = 1.0);
  filler(
      "log_normal_",
      [](Tensor& x, double a, double b, Generator* g) -> Tensor& { return log_normal_(x, a, b, g); },
      py::arg("mean") = 1.0, py::arg("std") = 2.0);
  filler(
      "cauchy_", [](Tensor& x, double a, double b, Generator* g) -> Tensor& { return cauchy_(x, a, b, g); },
      py::arg("median") = 0.0, py::arg("sigma") = 1.0);
  cls.def(
      "exponential_",
      [](Tensor& x, double lambd, const py::object& generator) -> Tensor& {
        return exponential_(x, lambd, generator_from(generator));
      },
      Release(), py::arg("lambd") = 1.0, py::kw_only(), py::arg("generator") = py::none());
  cls.def(
      "geometric_",
      [](Tensor& x, double p, const py::object& generator) -> Tensor& {
        return geometric_(x, p, generator_from(generator));
      },
      py::arg("p"), py::kw_only(), py::arg("generator") = py::none());
  cls.def(
      "bernoulli_",
      [](Tensor& x, const py::object& p, const py::object& generator) -> Tensor& {
        Generator* g = generator_from(generator);
        if (py::isinstance<TensorImpl>(p)) return bernoulli_(x, p.cast<Tensor>(), g);
        return bernoulli_(x, p.cast<double>(), g);
      },
      py::arg("p") = 0.5, py::kw_only(), py::arg("generator") = py::none());
  // random_(), random_(to), random_(from, to)
  cls.def(
      "random_",
      [](Tensor& x, py::object from, py::object to, const py::object& generator) -> Tensor& {
        Generator* g = generator_from(generator);
        if (from.is_none()) return random_(x, 0, std::nullopt, g);
        if (to.is_none()) return random_(x, 0, from.cast<int64_t>(), g);
        return random_(x, from.cast<int64_t>(), to.cast<int64_t>(), g);
      },
      py::arg("from_") = py::none(), py::arg("to") = py::none(), py::kw_only(),
      py::arg("generator") = py::none());
}

}  // namespace tg::py_bind
