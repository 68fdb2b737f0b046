// Linear algebra: tetragrad.linalg (torch.linalg's names and keywords, results of several
// tensors as torch's named tuples in tetragrad.return_types), the products (einsum, tensordot,
// kron, cross, addmv, baddbmm, addbmm, cdist) and torch's older top-level spellings (det,
// inverse, svd with V, qr with some=...).
#include <cmath>

#include "common.h"
#include "tetragrad/linalg.h"

namespace tg::py_bind {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

// A named tuple type in tetragrad.return_types.
py::object result_type(py::module_& m, const char* name, std::initializer_list<const char*> fields) {
  py::module_ types = m.attr("return_types");
  py::tuple names(fields.size());
  size_t i = 0;
  for (const char* f : fields) names[i++] = py::str(f);
  py::object t = py::module_::import("collections").attr("namedtuple")(name, names);
  t.attr("__module__") = "tetragrad.return_types";
  types.attr(name) = t;
  return t;
}

// The op without the GIL; its result tuple with it.
template <class F>
auto released(F&& f) {
  py::gil_scoped_release nogil;
  return f();
}

// A norm order: a number or "fro"/"nuc"; inf given as float('inf').
bool is_str(const py::object& o) { return py::isinstance<py::str>(o); }

Tensor matrix_norm_of(const Tensor& a, const py::object& ord, const Dims& dims, bool keepdim) {
  if (is_str(ord)) {
    const std::string s = ord.cast<std::string>();
    py::gil_scoped_release nogil;
    return linalg::matrix_norm(a, s, dims, keepdim);
  }
  const double o = ord.cast<double>();
  py::gil_scoped_release nogil;
  return linalg::matrix_norm(a, o, dims, keepdim);
}

Tensor cast_if(const Tensor& a, const py::object& dtype) {
  return dtype.is_none() ? a : to_dtype(a, dtype.cast<DType>());
}

}  // namespace

void bind_linalg(py::module_& m, PyTensorClass& cls) {
  py::module_ la = m.def_submodule("_linalg", "torch.linalg: norms, decompositions, inverses and solvers.");
  const py::object slogdet_t = result_type(m, "linalg_slogdet", {"sign", "logabsdet"});
  const py::object old_slogdet_t = result_type(m, "slogdet", {"sign", "logabsdet"});
  const py::object qr_t = result_type(m, "linalg_qr", {"Q", "R"});
  const py::object old_qr_t = result_type(m, "qr", {"Q", "R"});
  const py::object svd_t = result_type(m, "linalg_svd", {"U", "S", "Vh"});
  const py::object old_svd_t = result_type(m, "svd", {"U", "S", "V"});
  const py::object eigh_t = result_type(m, "linalg_eigh", {"eigenvalues", "eigenvectors"});
  const py::object lstsq_t =
      result_type(m, "linalg_lstsq", {"solution", "residuals", "rank", "singular_values"});

  // ---- norms
  la.def(
      "vector_norm",
      [](const Tensor& x, double ord, const py::object& dim, bool keepdim, const py::object& dtype) {
        const Dims dims = dims_from(dim);
        const std::optional<DType> d =
            dtype.is_none() ? std::nullopt : std::optional<DType>(dtype.cast<DType>());
        py::gil_scoped_release nogil;
        return linalg::vector_norm(x, ord, dims, keepdim, d);
      },
      py::arg("x"), py::arg("ord") = 2.0, py::arg("dim") = py::none(), py::arg("keepdim") = false,
      py::kw_only(), py::arg("dtype") = py::none());
  la.def(
      "matrix_norm",
      [](const Tensor& a, const py::object& ord, const py::object& dim, bool keepdim,
         const py::object& dtype) { return matrix_norm_of(cast_if(a, dtype), ord, dims_from(dim), keepdim); },
      py::arg("A"), py::arg("ord") = "fro", py::arg("dim") = py::make_tuple(-2, -1),
      py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none());
  la.def(
      "norm",
      [](const Tensor& a0, const py::object& ord, const py::object& dim, bool keepdim,
         const py::object& dtype) {
        const Tensor a = cast_if(a0, dtype);
        const Dims dims = dims_from(dim);
        // torch's dispatch: a string order or two dims (or a 2-D input without dims and with an
        // order) is a matrix norm; anything else a vector norm (of everything when dim=None).
        const bool matrix =
            is_str(ord) || dims.size() == 2 || (dim.is_none() && !ord.is_none() && a.dim() == 2);
        if (!ord.is_none() && dim.is_none())
          TG_CHECK(a.dim() == 1 || a.dim() == 2, ValueError,
                   "linalg.norm: If dim is not specified but ord is, the "
                   "input must be 1D or 2D. Got ",
                   a.dim(), "D.");
        if (matrix && !ord.is_none())
          return matrix_norm_of(a, ord, dims.empty() ? Dims{-2, -1} : dims, keepdim);
        const double o = ord.is_none() ? 2.0 : ord.cast<double>();
        py::gil_scoped_release nogil;
        return linalg::vector_norm(a, o, dims, keepdim);
      },
      py::arg("A"), py::arg("ord") = py::none(), py::arg("dim") = py::none(), py::arg("keepdim") = false,
      py::kw_only(), py::arg("dtype") = py::none());

  // ---- determinants, inverses, solvers
  la.def("det", &linalg::det, Release(), py::arg("A"));
  la.def(
      "slogdet",
      [slogdet_t](const Tensor& a) {
        const auto r = released([&] { return linalg::slogdet(a); });
        return slogdet_t(r.sign, r.logabsdet);
      },
      py::arg("A"));
  la.def("inv", &linalg::inv, Release(), py::arg("A"));
  la.def("solve", &linalg::solve, Release(), py::arg("A"), py::arg("B"), py::kw_only(),
         py::arg("left") = true);
  la.def("solve_triangular", &linalg::solve_triangular, Release(), py::arg("A"), py::arg("B"), py::kw_only(),
         py::arg("upper"), py::arg("left") = true, py::arg("unitriangular") = false);
  la.def("cholesky", &linalg::cholesky, Release(), py::arg("A"), py::kw_only(), py::arg("upper") = false);
  la.def(
      "qr",
      [qr_t](const Tensor& a, const std::string& mode) {
        const auto r = released([&] { return linalg::qr(a, mode); });
        return qr_t(r.Q, r.R);
      },
      py::arg("A"), py::arg("mode") = "reduced");
  la.def(
      "svd",
      [svd_t](const Tensor& a, bool full, const py::object&) {
        const auto r = released([&] { return linalg::svd(a, full); });
        return svd_t(r.U, r.S, r.Vh);
      },
      py::arg("A"), py::arg("full_matrices") = true, py::kw_only(), py::arg("driver") = py::none());
  la.def(
      "svdvals",
      [](const Tensor& a, const py::object&) { return released([&] { return linalg::svdvals(a); }); },
      py::arg("A"), py::kw_only(), py::arg("driver") = py::none());
  la.def(
      "eigh",
      [eigh_t](const Tensor& a, const std::string& uplo) {
        const auto r = released([&] { return linalg::eigh(a, uplo); });
        return eigh_t(r.eigenvalues, r.eigenvectors);
      },
      py::arg("A"), py::arg("UPLO") = "L");
  la.def("eigvalsh", &linalg::eigvalsh, Release(), py::arg("A"), py::arg("UPLO") = "L");
  la.def("pinv", &linalg::pinv, Release(), py::arg("A"), py::kw_only(), py::arg("atol") = py::none(),
         py::arg("rtol") = py::none(), py::arg("hermitian") = false);
  la.def(
      "lstsq",
      [lstsq_t](const Tensor& a, const Tensor& b, std::optional<double> rcond, const py::object& driver) {
        const std::string d = driver.is_none() ? "gelsy" : driver.cast<std::string>();
        const auto r = released([&] { return linalg::lstsq(a, b, rcond, d); });
        return lstsq_t(r.solution, r.residuals, r.rank, r.singular_values);
      },
      py::arg("A"), py::arg("B"), py::arg("rcond") = py::none(), py::kw_only(),
      py::arg("driver") = py::none());
  la.def("matrix_power", &linalg::matrix_power, Release(), py::arg("A"), py::arg("n"));
  la.def("matrix_rank", &linalg::matrix_rank, Release(), py::arg("A"), py::kw_only(),
         py::arg("atol") = py::none(), py::arg("rtol") = py::none(), py::arg("hermitian") = false);
  la.def("multi_dot", &linalg::multi_dot, Release(), py::arg("tensors"));
  la.def("vecdot", &linalg::vecdot, Release(), py::arg("x"), py::arg("y"), py::kw_only(),
         py::arg("dim") = -1);
  la.def(
      "cross", [](const Tensor& a, const Tensor& b, int64_t dim) { return cross(a, b, dim); }, Release(),
      py::arg("input"), py::arg("other"), py::kw_only(), py::arg("dim") = -1);
  la.def("matmul", &matmul, Release(), py::arg("input"), py::arg("other"));
  la.def(
      "diagonal",
      [](const Tensor& a, int64_t offset, int64_t d1, int64_t d2) { return diagonal(a, offset, d1, d2); },
      Release(), py::arg("A"), py::kw_only(), py::arg("offset") = 0, py::arg("dim1") = -2,
      py::arg("dim2") = -1);

  // ---- torch's top-level and method spellings
  def_both(m, cls, "det", &linalg::det, Release());
  def_both(m, cls, "slogdet", [old_slogdet_t](const Tensor& a) {
    const auto r = released([&] { return linalg::slogdet(a); });
    return old_slogdet_t(r.sign, r.logabsdet);
  });
  // log det: -inf for a zero determinant, NaN for a negative one (log of the sign).
  def_both(
      m, cls, "logdet",
      [](const Tensor& a) {
        const auto r = linalg::slogdet(a);
        return add(r.logabsdet, log(r.sign));
      },
      Release());
  def_both(m, cls, "inverse", &linalg::inv, Release());
  def_both(
      m, cls, "pinverse", [](const Tensor& a, double rcond) { return linalg::pinv(a, std::nullopt, rcond); },
      Release(), py::arg("rcond") = 1e-15);
  def_both(m, cls, "matrix_power", &linalg::matrix_power, Release(), py::arg("n"));
  def_both(m, cls, "cholesky", &linalg::cholesky, Release(), py::arg("upper") = false);
  def_both(
      m, cls, "svd",
      [old_svd_t](const Tensor& a, bool some, bool compute_uv) {
        const auto r = released([&] {
          if (!compute_uv) {  // the values, and zero-filled square U and V, as torch's
            const Tensor s = linalg::svdvals(a);
            Shape su = a.shape(), sv = a.shape();
            su.back() = a.size(-2), sv[sv.size() - 2] = a.size(-1);
            return linalg::SVDResult{new_zeros(a, su, a.dtype()), s, new_zeros(a, sv, a.dtype())};
          }
          linalg::SVDResult f = linalg::svd(a, !some);
          return linalg::SVDResult{f.U, f.S, transpose(f.Vh, -2, -1)};
        });
        return old_svd_t(r.U, r.S, r.Vh);
      },
      py::arg("some") = true, py::arg("compute_uv") = true);
  def_both(
      m, cls, "qr",
      [old_qr_t](const Tensor& a, bool some) {
        const auto r = released([&] { return linalg::qr(a, some ? "reduced" : "complete"); });
        return old_qr_t(r.Q, r.R);
      },
      py::arg("some") = true);

  // ---- products
  m.def(
      "einsum",
      [](const std::string& eq, const py::args& args) {
        TensorList ops;
        if (args.size() == 1 && !py::isinstance<TensorImpl>(args[0]))
          ops = args[0].cast<std::vector<Tensor>>();
        else
          ops = args.cast<std::vector<Tensor>>();
        py::gil_scoped_release nogil;
        return einsum(eq, ops);
      },
      py::arg("equation"));
  m.def(
      "tensordot",
      [](const Tensor& a, const Tensor& b, const py::object& dims) {
        if (PyLong_Check(dims.ptr())) {
          const int64_t d = dims.cast<int64_t>();
          py::gil_scoped_release nogil;
          return tensordot(a, b, d);
        }
        TG_CHECK(py::len(dims) == 2, ValueError, "tensordot: dims must be an int or a pair of dim lists");
        auto as_dims = [](const py::handle& h) {
          return PyLong_Check(h.ptr()) ? Dims{h.cast<int64_t>()} : h.cast<Dims>();
        };
        const Dims da = as_dims(dims[py::int_(0)]), db = as_dims(dims[py::int_(1)]);
        py::gil_scoped_release nogil;
        return tensordot(a, b, da, db);
      },
      py::arg("a"), py::arg("b"), py::arg("dims") = 2);
  def_both(m, cls, "kron", &kron, Release(), py::arg("other"));
  def_both(
      m, cls, "cross",
      [](const Tensor& a, const Tensor& b, std::optional<int64_t> dim) { return cross(a, b, dim); },
      Release(), py::arg("other"), py::arg("dim") = py::none());
  m.def(
      "cdist", [](const Tensor& a, const Tensor& b, double p, const py::object&) { return cdist(a, b, p); },
      Release(), py::arg("x1"), py::arg("x2"), py::arg("p") = 2.0, py::arg("compute_mode") = py::none());
  using Scaled = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, double, double);
  for (auto [name, f, a1, a2] :
       {std::tuple<const char*, Scaled, const char*, const char*>{"addmv", &addmv, "mat", "vec"},
        {"baddbmm", &baddbmm, "batch1", "batch2"},
        {"addbmm", &addbmm, "batch1", "batch2"}}) {
    def_both(m, cls, name, f, Release(), py::arg(a1), py::arg(a2), py::kw_only(), py::arg("beta") = 1.0,
             py::arg("alpha") = 1.0);
    cls.def((std::string(name) + "_").c_str(),
            [f, name = std::string(name) + "_"](Tensor& self, const Tensor& x, const Tensor& y, double beta,
                                                double alpha) -> Tensor& {
              Tensor r = f(from_copy(self), x, y, beta, alpha);
              py::gil_scoped_release nogil;
              return assign_(self, r, name.c_str());
            },
            py::arg(a1), py::arg(a2), py::kw_only(), py::arg("beta") = 1.0, py::arg("alpha") = 1.0);
  }
}

}  // namespace tg::py_bind
