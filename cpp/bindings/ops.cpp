// Math on tensors, bound once for both spellings: t.op(...) and tetragrad.op(t, ...).
// Heavy ops release the GIL while the kernel runs.
#include <algorithm>
#include <cmath>

#include "common.h"

namespace tg::py_bind {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

double correction_of(const py::object& unbiased, const py::object& correction) {
  if (!correction.is_none()) return correction.cast<double>();
  if (!unbiased.is_none()) return unbiased.cast<bool>() ? 1.0 : 0.0;
  return 1.0;
}

BinaryOp rounding(const std::optional<std::string>& mode) {
  if (!mode) return BinaryOp::Div;
  if (*mode == "floor") return BinaryOp::FloorDiv;
  if (*mode == "trunc") return BinaryOp::TruncDiv;
  throw ValueError("div: expected rounding_mode to be one of None, 'trunc', or 'floor' but found '" + *mode +
                   "'");
}
Tensor div_mode(const Tensor& x, const Tensor& y, const std::optional<std::string>& mode) {
  return binary(rounding(mode), x, y, 1);
}

Tensor maybe_cast(const Tensor& t, const py::object& dtype) {
  return dtype.is_none() ? t : to_dtype(t, dtype.cast<DType>());
}

}  // namespace

void bind_ops(py::module_& m, PyTensorClass& cls) {
  // ---- binary -------------------------------------------------------------------------------
  def_both(
      m, cls, "add",
      [](const Tensor& x, const Operand& y, const Scalar& alpha) { return add(x, y.t, alpha); }, Release(),
      py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  def_both(
      m, cls, "sub",
      [](const Tensor& x, const Operand& y, const Scalar& alpha) { return sub(x, y.t, alpha); }, Release(),
      py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  def_both(
      m, cls, "mul", [](const Tensor& x, const Operand& y) { return mul(x, y.t); }, Release(),
      py::arg("other"));
  def_both(
      m, cls, "div",
      [](const Tensor& x, const Operand& y, std::optional<std::string> mode) {
        return div_mode(x, y.t, mode);
      },
      Release(), py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());
  def_both(
      m, cls, "true_divide", [](const Tensor& x, const Operand& y) { return div(x, y.t); }, Release(),
      py::arg("other"));
  def_both(
      m, cls, "pow", [](const Tensor& x, const Operand& y) { return pow(x, y.t); }, Release(),
      py::arg("exponent"));
  def_both(
      m, cls, "maximum", [](const Tensor& x, const Tensor& y) { return maximum(x, y); }, Release(),
      py::arg("other"));
  def_both(
      m, cls, "minimum", [](const Tensor& x, const Tensor& y) { return minimum(x, y); }, Release(),
      py::arg("other"));
  const std::pair<const char*, BinaryOp> cmps[] = {{"eq", BinaryOp::Eq}, {"ne", BinaryOp::Ne},
                                                   {"lt", BinaryOp::Lt}, {"le", BinaryOp::Le},
                                                   {"gt", BinaryOp::Gt}, {"ge", BinaryOp::Ge}};
  for (auto [name, op] : cmps)
    def_both(
        m, cls, name, [op = op](const Tensor& x, const Operand& y) { return compare(op, x, y.t); }, Release(),
        py::arg("other"));
  def_both(
      m, cls, "logical_and",
      [](const Tensor& x, const Operand& y) { return logical(BinaryOp::LogicalAnd, x, y.t); }, Release(),
      py::arg("other"));
  def_both(
      m, cls, "logical_or",
      [](const Tensor& x, const Operand& y) { return logical(BinaryOp::LogicalOr, x, y.t); }, Release(),
      py::arg("other"));

  // ---- unary --------------------------------------------------------------------------------
  // One function and method per TG_UNARY_MATH_OPS entry (pointwise_ops.h), and the hand-written ones.
#define TG_BIND_UNARY(Name, fn, py, ...) \
  def_both(m, cls, py, [](const Tensor& x) { return fn(x); }, Release());
  TG_UNARY_MATH_OPS(TG_BIND_UNARY)
#undef TG_BIND_UNARY
  const std::pair<const char*, UnaryOp> unaries[] = {{"neg", UnaryOp::Neg},
                                                     {"negative", UnaryOp::Neg},
                                                     {"sign", UnaryOp::Sign},
                                                     {"square", UnaryOp::Square},
                                                     {"logical_not", UnaryOp::LogicalNot},
                                                     {"isnan", UnaryOp::IsNan},
                                                     {"isfinite", UnaryOp::IsFinite},
                                                     {"isinf", UnaryOp::IsInf},
                                                     {"isposinf", UnaryOp::IsPosInf},
                                                     {"isneginf", UnaryOp::IsNegInf},
                                                     {"signbit", UnaryOp::SignBit}};
  for (auto [name, op] : unaries)
    def_both(m, cls, name, [op = op](const Tensor& x) { return unary(op, x); }, Release());
  auto bound = [](const std::optional<Operand>& o) { return o ? o->t : Tensor(); };
  for (const char* name : {"clamp", "clip"})
    def_both(
        m, cls, name,
        [bound](const Tensor& x, const std::optional<Operand>& lo, const std::optional<Operand>& hi) {
          return clamp(x, bound(lo), bound(hi));
        },
        Release(), py::arg("min") = py::none(), py::arg("max") = py::none());
  def_both(
      m, cls, "floor_divide", [](const Tensor& x, const Operand& y) { return floor_divide(x, y.t); },
      Release(), py::arg("other"));
  def_both(
      m, cls, "remainder", [](const Tensor& x, const Operand& y) { return remainder(x, y.t); }, Release(),
      py::arg("other"));
  // fmod and xlogy take a number as other; atan2, hypot and logaddexp(2) only tensors (as torch).
  for (auto [name, op] : {std::pair{"fmod", BinaryOp::Fmod}, std::pair{"xlogy", BinaryOp::Xlogy},
                          std::pair{"igamma", BinaryOp::Gammainc}, std::pair{"igammac", BinaryOp::Gammaincc}})
    def_both(
        m, cls, name, [op = op](const Tensor& x, const Operand& y) { return binary(op, x, y.t); }, Release(),
        py::arg("other"));
  const std::pair<const char*, BinaryOp> tensor_only[] = {{"atan2", BinaryOp::Atan2},
                                                          {"arctan2", BinaryOp::Atan2},
                                                          {"hypot", BinaryOp::Hypot},
                                                          {"logaddexp", BinaryOp::LogAddExp},
                                                          {"logaddexp2", BinaryOp::LogAddExp2}};
  for (auto [name, op] : tensor_only)
    def_both(
        m, cls, name, [op = op](const Tensor& x, const Tensor& y) { return binary(op, x, y); }, Release(),
        py::arg("other"));
  def_both(
      m, cls, "logical_xor", [](const Tensor& x, const Tensor& y) { return logical_xor(x, y); }, Release(),
      py::arg("other"));
  def_both(
      m, cls, "lerp", [](const Tensor& x, const Tensor& end, const Operand& w) { return lerp(x, end, w.t); },
      Release(), py::arg("end"), py::arg("weight"));
  cls.def(
      "lerp_",
      [](Tensor& x, const Tensor& end, const Operand& w) -> Tensor& {
        return assign_(x, lerp(from_copy(x), end, w.t), "lerp_");
      },
      Release(), py::arg("end"), py::arg("weight"));
  for (bool is_mul : {true, false}) {
    auto fn = is_mul ? &addcmul : &addcdiv;
    const char* name = is_mul ? "addcmul" : "addcdiv";
    def_both(
        m, cls, name,
        [fn](const Tensor& x, const Tensor& a, const Tensor& b, const Scalar& value) {
          return fn(x, a, b, value);
        },
        Release(), py::arg("tensor1"), py::arg("tensor2"), py::kw_only(), py::arg("value") = 1);
    cls.def(
        is_mul ? "addcmul_" : "addcdiv_",
        [fn, is_mul](Tensor& x, const Tensor& a, const Tensor& b, const Scalar& value) -> Tensor& {
          return assign_(x, fn(from_copy(x), a, b, value), is_mul ? "addcmul_" : "addcdiv_");
        },
        Release(), py::arg("tensor1"), py::arg("tensor2"), py::kw_only(), py::arg("value") = 1);
  }
  def_both(
      m, cls, "round", [](const Tensor& x, int64_t decimals) { return round(x, decimals); }, Release(),
      py::kw_only(), py::arg("decimals") = 0);
  cls.def(
      "round_",
      [](Tensor& x, int64_t decimals) -> Tensor& {
        return assign_(x, round(from_copy(x), decimals), "round_");
      },
      Release(), py::kw_only(), py::arg("decimals") = 0);
  auto nan_to_num_fn = [](const Tensor& x, std::optional<double> nan, std::optional<double> posinf,
                          std::optional<double> neginf) { return nan_to_num(x, nan, posinf, neginf); };
  def_both(m, cls, "nan_to_num", nan_to_num_fn, Release(), py::arg("nan") = 0.0,
           py::arg("posinf") = py::none(), py::arg("neginf") = py::none());
  cls.def(
      "nan_to_num_",
      [nan_to_num_fn](Tensor& x, std::optional<double> nan, std::optional<double> posinf,
                      std::optional<double> neginf) -> Tensor& {
        return assign_(x, nan_to_num_fn(from_copy(x), nan, posinf, neginf), "nan_to_num_");
      },
      Release(), py::arg("nan") = 0.0, py::arg("posinf") = py::none(), py::arg("neginf") = py::none());
  const std::pair<const char*, BinaryOp> bitwise_ops[] = {
      {"bitwise_and", BinaryOp::BitAnd}, {"bitwise_or", BinaryOp::BitOr}, {"bitwise_xor", BinaryOp::BitXor}};
  for (auto [name, op] : bitwise_ops)
    def_both(
        m, cls, name, [op = op](const Tensor& x, const Operand& y) { return bitwise(op, x, y.t); }, Release(),
        py::arg("other"));
  def_both(m, cls, "bitwise_not", [](const Tensor& x) { return bitwise_not(x); }, Release());

  // tetragrad.add(2, t) and friends: a number as the first operand (an overload after the tensor one).
  for (const char* name : {"add", "sub"}) {
    const bool is_add = name[0] == 'a';
    m.def(
        name,
        [is_add](const Operand& x, const Tensor& y, const Scalar& alpha) {
          return is_add ? add(x.t, y, alpha) : sub(x.t, y, alpha);
        },
        Release(), py::arg("input"), py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  }
  const std::pair<const char*, BinaryOp> scalar_first[] = {{"mul", BinaryOp::Mul},
                                                           {"true_divide", BinaryOp::Div},
                                                           {"pow", BinaryOp::Pow},
                                                           {"floor_divide", BinaryOp::FloorDiv},
                                                           {"remainder", BinaryOp::Remainder},
                                                           {"xlogy", BinaryOp::Xlogy},
                                                           {"bitwise_and", BinaryOp::BitAnd},
                                                           {"bitwise_or", BinaryOp::BitOr},
                                                           {"bitwise_xor", BinaryOp::BitXor}};
  for (auto [name, bop] : scalar_first)
    m.def(
        name, [bop = bop](const Operand& x, const Tensor& y) { return binary(bop, x.t, y, 1); }, Release(),
        py::arg("input"), py::arg("other"));
  m.def(
      "div",
      [](const Operand& x, const Tensor& y, std::optional<std::string> mode) {
        return div_mode(x.t, y, mode);
      },
      Release(), py::arg("input"), py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());

  // ---- in place -----------------------------------------------------------------------------
  const std::pair<const char*, BinaryOp> inplace_bin[] = {{"mul_", BinaryOp::Mul},
                                                          {"pow_", BinaryOp::Pow},
                                                          {"floor_divide_", BinaryOp::FloorDiv},
                                                          {"remainder_", BinaryOp::Remainder},
                                                          {"fmod_", BinaryOp::Fmod},
                                                          {"xlogy_", BinaryOp::Xlogy},
                                                          {"eq_", BinaryOp::Eq},
                                                          {"ne_", BinaryOp::Ne},
                                                          {"lt_", BinaryOp::Lt},
                                                          {"le_", BinaryOp::Le},
                                                          {"gt_", BinaryOp::Gt},
                                                          {"ge_", BinaryOp::Ge},
                                                          {"logical_and_", BinaryOp::LogicalAnd},
                                                          {"logical_or_", BinaryOp::LogicalOr},
                                                          {"bitwise_and_", BinaryOp::BitAnd},
                                                          {"bitwise_or_", BinaryOp::BitOr},
                                                          {"bitwise_xor_", BinaryOp::BitXor}};
  cls.def(
      "add_",
      [](Tensor& x, const Operand& y, const Scalar& alpha) { return binary_(BinaryOp::Add, x, y.t, alpha); },
      Release(), py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  cls.def(
      "sub_",
      [](Tensor& x, const Operand& y, const Scalar& alpha) { return binary_(BinaryOp::Sub, x, y.t, alpha); },
      Release(), py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  cls.def(
      "div_",
      [](Tensor& x, const Operand& y, std::optional<std::string> mode) {
        return binary_(rounding(mode), x, y.t);
      },
      Release(), py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());
  for (auto [name, op] : inplace_bin)
    cls.def(
        name, [op = op](Tensor& x, const Operand& y) { return binary_(op, x, y.t); }, Release(),
        py::arg("other"));
  for (auto [name, op] : {std::pair{"atan2_", BinaryOp::Atan2}, std::pair{"arctan2_", BinaryOp::Atan2},
                          std::pair{"hypot_", BinaryOp::Hypot}})
    cls.def(
        name, [op = op](Tensor& x, const Tensor& y) { return binary_(op, x, y); }, Release(),
        py::arg("other"));
  cls.def("negative_", [](Tensor& x) { return unary_(UnaryOp::Neg, x); }, Release());
  cls.def(
      "true_divide_", [](Tensor& x, const Operand& y) { return binary_(BinaryOp::Div, x, y.t); }, Release(),
      py::arg("other"));
  // Results of another dtype (bool) written back in self's dtype, as torch's.
  cls.def(
      "bitwise_not_",
      [](Tensor& x) -> Tensor& { return assign_(x, bitwise_not(from_copy(x)), "bitwise_not_"); }, Release());
  cls.def(
      "logical_not_",
      [](Tensor& x) -> Tensor& {
        return assign_(x, unary(UnaryOp::LogicalNot, from_copy(x)), "logical_not_");
      },
      Release());
  cls.def(
      "logical_xor_",
      [](Tensor& x, const Tensor& y) -> Tensor& { return assign_(x, logical_xor(x, y), "logical_xor_"); },
      Release(), py::arg("other"));
#define TG_BIND_UNARY_INPLACE(Name, fn, py, ...) \
  cls.def(py "_", [](Tensor& x) { return unary_(UnaryOp::Name, x); }, Release());
  TG_UNARY_MATH_OPS(TG_BIND_UNARY_INPLACE)
#undef TG_BIND_UNARY_INPLACE
  const std::pair<const char*, UnaryOp> inplace_un[] = {
      {"neg_", UnaryOp::Neg}, {"sign_", UnaryOp::Sign}, {"square_", UnaryOp::Square}};
  for (auto [name, op] : inplace_un) cls.def(name, [op = op](Tensor& x) { return unary_(op, x); }, Release());
  for (const char* name : {"clamp_", "clip_"})
    cls.def(
        name,
        [bound](Tensor& x, const std::optional<Operand>& lo, const std::optional<Operand>& hi) {
          return clamp_(x, bound(lo), bound(hi));
        },
        Release(), py::arg("min") = py::none(), py::arg("max") = py::none());
  cls.def("zero_", [](Tensor& x) { return zero_(x); }, Release());
  cls.def(
      "fill_",
      [](Tensor& x, const Operand& v) {
        TG_CHECK(v.t.dim() == 0, ValueError,
                 "fill_: only supports 0-dimension value tensor but got tensor with ", v.t.dim(),
                 " dimensions");
        return copy_(x, v.t);
      },
      Release(), py::arg("value"));
  cls.def("copy_", [](Tensor& x, const Operand& src) { return copy_(x, src.t); }, Release(), py::arg("src"));
  auto index_list = [](const py::object& indices) {
    TG_CHECK(!py::isinstance<TensorImpl>(indices), TypeError,
             "index_put: indices must be a tuple or list of tensors, got a single Tensor");
    return indices.cast<std::vector<Tensor>>();
  };
  cls.def(
      "index_put_",
      [index_list](Tensor& x, const py::object& indices, const Operand& v, bool accumulate) {
        TensorList idx = index_list(indices);
        py::gil_scoped_release nogil;
        return index_put_(x, idx, v.t, accumulate);
      },
      py::arg("indices"), py::arg("values"), py::arg("accumulate") = false);
  def_both(
      m, cls, "index_put",
      [index_list](const Tensor& x, const py::object& indices, const Operand& v, bool accumulate) {
        TensorList idx = index_list(indices);
        py::gil_scoped_release nogil;
        return index_put(x, idx, v.t, accumulate);
      },
      py::arg("indices"), py::arg("values"), py::arg("accumulate") = false);
  cls.def(
      "masked_fill_",
      [](Tensor& x, const Tensor& mask, const Operand& v) { return masked_fill_(x, mask, v.t); }, Release(),
      py::arg("mask"), py::arg("value"));

  // ---- operators ------------------------------------------------------------------------------
  // py::is_operator: an operand we cannot take (None, a string) returns NotImplemented, so
  // Python falls back (t == None is False) instead of raising.
  const auto op = py::is_operator();
  using BinFn = Tensor (*)(const Tensor&, const Tensor&);
  const std::pair<const char*, BinFn> forward_ops[] = {
      {"add", [](const Tensor& x, const Tensor& y) { return add(x, y); }},
      {"sub", [](const Tensor& x, const Tensor& y) { return sub(x, y); }},
      {"mul", [](const Tensor& x, const Tensor& y) { return mul(x, y); }},
      {"truediv", [](const Tensor& x, const Tensor& y) { return div(x, y); }},
      {"floordiv", [](const Tensor& x, const Tensor& y) { return floor_divide(x, y); }},
      {"mod", [](const Tensor& x, const Tensor& y) { return remainder(x, y); }},
      {"and", [](const Tensor& x, const Tensor& y) { return bitwise(BinaryOp::BitAnd, x, y); }},
      {"or", [](const Tensor& x, const Tensor& y) { return bitwise(BinaryOp::BitOr, x, y); }},
      {"xor", [](const Tensor& x, const Tensor& y) { return bitwise(BinaryOp::BitXor, x, y); }},
      {"pow", [](const Tensor& x, const Tensor& y) { return pow(x, y); }},
  };
  for (auto [name, fn] : forward_ops) {
    const std::string n = name;
    cls.def(("__" + n + "__").c_str(), [fn = fn](const Tensor& x, const Operand& y) { return fn(x, y.t); },
            op, Release());
    cls.def(("__r" + n + "__").c_str(), [fn = fn](const Tensor& x, const Operand& y) { return fn(y.t, x); },
            op, Release());
  }
  const std::pair<const char*, BinaryOp> inplace_ops[] = {
      {"iadd", BinaryOp::Add},       {"isub", BinaryOp::Sub},    {"imul", BinaryOp::Mul},
      {"itruediv", BinaryOp::Div},   {"ipow", BinaryOp::Pow},    {"ifloordiv", BinaryOp::FloorDiv},
      {"imod", BinaryOp::Remainder}, {"iand", BinaryOp::BitAnd}, {"ior", BinaryOp::BitOr},
      {"ixor", BinaryOp::BitXor}};
  for (auto [name, bop] : inplace_ops)
    cls.def((std::string("__") + name + "__").c_str(),
            [bop = bop](Tensor& x, const Operand& y) { return binary_(bop, x, y.t); }, op, Release());
  cls.def(
         "__matmul__", [](const Tensor& x, const Tensor& y) { return matmul(x, y); }, op, Release())
      .def(
          "__rmatmul__", [](const Tensor& x, const Tensor& y) { return matmul(y, x); }, op, Release())
      .def(
          "__neg__", [](const Tensor& x) { return neg(x); }, Release())
      .def("__pos__", [](const Tensor& x) { return x; })
      .def(
          "__abs__", [](const Tensor& x) { return abs(x); }, Release())
      .def("__invert__", [](const Tensor& x) { return bitwise_not(x); }, Release());
  for (auto [name, cop] : cmps)
    cls.def((std::string("__") + name + "__").c_str(),
            [cop = cop](const Tensor& x, const Operand& y) { return compare(cop, x, y.t); }, op, Release());
  cls.attr("__array_priority__") = 1000;

  // ---- reductions ---------------------------------------------------------------------------
  def_both(
      m, cls, "sum",
      [](const Tensor& x, py::object dim, bool keepdim, py::object dtype) {
        return sum(x, dims_from(dim), keepdim,
                   dtype.is_none() ? std::nullopt : std::optional<DType>(dtype_or(dtype, x.dtype())));
      },
      py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none());
  def_both(
      m, cls, "mean",
      [](const Tensor& x, py::object dim, bool keepdim, py::object dtype) {
        return mean(maybe_cast(x, dtype), dims_from(dim), keepdim);
      },
      py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none());
  def_both(
      m, cls, "prod",
      [](const Tensor& x, py::object dim, bool keepdim, py::object dtype) {
        return prod(x, dims_from(dim), keepdim,
                    dtype.is_none() ? std::nullopt : std::optional<DType>(dtype_or(dtype, x.dtype())));
      },
      py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none());
  def_both(
      m, cls, "amax",
      [](const Tensor& x, py::object dim, bool keepdim) { return amax(x, dims_from(dim), keepdim); },
      py::arg("dim") = py::tuple(), py::arg("keepdim") = false);
  def_both(
      m, cls, "amin",
      [](const Tensor& x, py::object dim, bool keepdim) { return amin(x, dims_from(dim), keepdim); },
      py::arg("dim") = py::tuple(), py::arg("keepdim") = false);
  // max/min: all elements, (values, indices) along a dim, or elementwise with another tensor.
  for (bool is_max : {true, false}) {
    def_both(
        m, cls, is_max ? "_max" : "_min",
        [is_max](const Tensor& x, py::object dim, bool keepdim) -> py::object {
          if (dim.is_none()) return py::cast(is_max ? max_all(x) : min_all(x));
          if (py::isinstance<TensorImpl>(dim))
            return py::cast(is_max ? maximum(x, dim.cast<Tensor>()) : minimum(x, dim.cast<Tensor>()));
          auto r =
              is_max ? max_dim(x, dim.cast<int64_t>(), keepdim) : min_dim(x, dim.cast<int64_t>(), keepdim);
          return py::make_tuple(r.first, r.second);
        },
        py::arg("dim") = py::none(), py::arg("keepdim") = false);
  }
  def_both(
      m, cls, "argmax",
      [](const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return argmax(x, dim, keepdim); },
      py::arg("dim") = py::none(), py::arg("keepdim") = false);
  def_both(
      m, cls, "argmin",
      [](const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return argmin(x, dim, keepdim); },
      py::arg("dim") = py::none(), py::arg("keepdim") = false);
  def_both(
      m, cls, "var",
      [](const Tensor& x, py::object dim, py::object unbiased, bool keepdim, py::object correction) {
        if (PyBool_Check(dim.ptr())) std::swap(dim, unbiased), dim = py::none();
        return var(x, dims_from(dim), correction_of(unbiased, correction), keepdim);
      },
      py::arg("dim") = py::none(), py::arg("unbiased") = py::none(), py::arg("keepdim") = false,
      py::kw_only(), py::arg("correction") = py::none());
  def_both(
      m, cls, "std",
      [](const Tensor& x, py::object dim, py::object unbiased, bool keepdim, py::object correction) {
        if (PyBool_Check(dim.ptr())) std::swap(dim, unbiased), dim = py::none();
        return tg::std(x, dims_from(dim), correction_of(unbiased, correction), keepdim);
      },
      py::arg("dim") = py::none(), py::arg("unbiased") = py::none(), py::arg("keepdim") = false,
      py::kw_only(), py::arg("correction") = py::none());
  for (bool is_std : {false, true})
    m.def(
        is_std ? "std_mean" : "var_mean",
        [is_std](const Tensor& x, py::object dim, py::object unbiased, bool keepdim, py::object correction) {
          if (PyBool_Check(dim.ptr())) std::swap(dim, unbiased), dim = py::none();
          const double c = correction_of(unbiased, correction);
          auto r = is_std ? std_mean(x, dims_from(dim), c, keepdim) : var_mean(x, dims_from(dim), c, keepdim);
          return py::make_tuple(r.first, r.second);
        },
        py::arg("input"), py::arg("dim") = py::none(), py::arg("unbiased") = py::none(),
        py::arg("keepdim") = false, py::kw_only(), py::arg("correction") = py::none());
  def_both(
      m, cls, "logsumexp",
      [](const Tensor& x, py::object dim, bool keepdim) { return logsumexp(x, dims_from(dim), keepdim); },
      py::arg("dim"), py::arg("keepdim") = false);
  def_both(
      m, cls, "norm",
      [](const Tensor& x, py::object p, py::object dim, bool keepdim) {
        double pv = 2.0;
        if (py::isinstance<py::str>(p)) {
          TG_CHECK(p.cast<std::string>() == "fro", ValueError, "norm: unsupported norm type ",
                   p.cast<std::string>());
          TG_CHECK(dim.is_none() || dims_from(dim).size() <= 2, ValueError,
                   "norm: expected at most 2 dims for the Frobenius norm, got ", dims_from(dim).size());
        } else if (!p.is_none()) {
          pv = p.cast<double>();
        }
        return norm(x, pv, dims_from(dim), keepdim);
      },
      py::arg("p") = 2.0, py::arg("dim") = py::none(), py::arg("keepdim") = false);

  // ---- logic ----------------------------------------------------------------------------------
  def_both(
      m, cls, "any",
      [](const Tensor& x, py::object dim, bool keepdim) { return any(x, dims_from(dim), keepdim); },
      py::arg("dim") = py::none(), py::arg("keepdim") = false);
  def_both(
      m, cls, "all",
      [](const Tensor& x, py::object dim, bool keepdim) { return all(x, dims_from(dim), keepdim); },
      py::arg("dim") = py::none(), py::arg("keepdim") = false);
  def_both(
      m, cls, "count_nonzero",
      [](const Tensor& x, py::object dim) { return count_nonzero(x, dims_from(dim)); },
      py::arg("dim") = py::none());
  def_both(
      m, cls, "isclose",
      [](const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
        return isclose(a, b, rtol, atol, equal_nan);
      },
      py::arg("other"), py::arg("rtol") = 1e-5, py::arg("atol") = 1e-8, py::arg("equal_nan") = false);
  def_both(
      m, cls, "allclose",
      [](const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
        return allclose(a, b, rtol, atol, equal_nan);
      },
      py::arg("other"), py::arg("rtol") = 1e-5, py::arg("atol") = 1e-8, py::arg("equal_nan") = false);
  def_both(m, cls, "equal", [](const Tensor& a, const Tensor& b) { return equal(a, b); }, py::arg("other"));

  def_both(m, cls, "clone", [](const Tensor& x) { return clone(x); }, Release());
  def_both(m, cls, "contiguous", [](const Tensor& x) { return contiguous(x); }, Release());

  // ---- views --------------------------------------------------------------------------------
  cls.def("view", [](const Tensor& x, py::args shape) {
    if (shape.size() == 1 && py::isinstance<DType>(shape[0]))
      throw TypeError("view(dtype) is not supported; use .to(dtype)");
    return view(x, shape_from_args(shape, "view"));
  });
  cls.def("reshape",
          [](const Tensor& x, py::args shape) { return reshape(x, shape_from_args(shape, "reshape")); });
  m.def(
      "reshape",
      [](const Tensor& x, py::object shape) { return reshape(x, shape_from_object(shape, "reshape")); },
      py::arg("input"), py::arg("shape"));
  cls.def("view_as", [](const Tensor& x, const Tensor& o) { return view(x, o.shape()); }, py::arg("other"));
  cls.def(
      "reshape_as", [](const Tensor& x, const Tensor& o) { return reshape(x, o.shape()); }, py::arg("other"));
  cls.def("permute",
          [](const Tensor& x, py::args dims) { return permute(x, shape_from_args(dims, "permute")); });
  m.def(
      "permute",
      [](const Tensor& x, py::object dims) { return permute(x, shape_from_object(dims, "permute")); },
      py::arg("input"), py::arg("dims"));
  cls.def("expand",
          [](const Tensor& x, py::args sizes) { return expand(x, shape_from_args(sizes, "expand")); });
  cls.def(
      "expand_as", [](const Tensor& x, const Tensor& o) { return expand(x, o.shape()); }, py::arg("other"));
  def_both(
      m, cls, "transpose", [](const Tensor& x, int64_t d0, int64_t d1) { return transpose(x, d0, d1); },
      py::arg("dim0"), py::arg("dim1"));
  def_both(
      m, cls, "swapaxes", [](const Tensor& x, int64_t d0, int64_t d1) { return transpose(x, d0, d1); },
      py::arg("axis0"), py::arg("axis1"));
  def_both(m, cls, "t", [](const Tensor& x) { return matrix_t(x); });
  cls.def_property_readonly("T", [](const Tensor& x) {
    Dims d;
    for (int64_t i = x.dim() - 1; i >= 0; --i) d.push_back(i);
    return permute(x, d);
  });
  cls.def_property_readonly("mT", [](const Tensor& x) { return transpose(x, -2, -1); });
  // The conjugate transposes: the plain ones for real dtypes (torch's H takes 0-D/2-D tensors only).
  cls.def_property_readonly("mH", [](const Tensor& x) { return transpose(x, -2, -1); });
  cls.def_property_readonly("H", [](const Tensor& x) {
    TG_CHECK(x.dim() == 0 || x.dim() == 2, ValueError,
             "tensor.H is only supported on matrices (2-D tensors). Got ", x.dim(), "-D tensor.");
    return matrix_t(x);
  });
  def_both(m, cls, "unsqueeze", [](const Tensor& x, int64_t d) { return unsqueeze(x, d); }, py::arg("dim"));
  def_both(
      m, cls, "squeeze",
      [](const Tensor& x, py::object dim) {
        if (dim.is_none()) return squeeze(x, std::nullopt);
        if (PyLong_Check(dim.ptr()) || PyIndex_Check(dim.ptr())) return squeeze(x, dim.cast<int64_t>());
        // A tuple of dims: squeeze the highest first so the others keep their positions.
        Dims ds = dims_from(dim);
        for (int64_t& d : ds) d = d < 0 ? d + x.dim() : d;
        std::sort(ds.rbegin(), ds.rend());
        TG_CHECK(std::adjacent_find(ds.begin(), ds.end()) == ds.end(), ValueError,
                 "squeeze: a dim appears multiple times in the list of dims");
        Tensor r = x;
        for (int64_t d : ds) r = squeeze(r, d);
        return r;
      },
      py::arg("dim") = py::none());
  def_both(
      m, cls, "flatten", [](const Tensor& x, int64_t s, int64_t e) { return flatten(x, s, e); },
      py::arg("start_dim") = 0, py::arg("end_dim") = -1);
  def_both(
      m, cls, "narrow", [](const Tensor& x, int64_t d, int64_t s, int64_t l) { return narrow(x, d, s, l); },
      py::arg("dim"), py::arg("start"), py::arg("length"));
  def_both(
      m, cls, "select", [](const Tensor& x, int64_t d, int64_t i) { return select(x, d, i); }, py::arg("dim"),
      py::arg("index"));
  def_both(
      m, cls, "unbind", [](const Tensor& x, int64_t d) { return py::tuple(py::cast(unbind(x, d))); },
      py::arg("dim") = 0);
  def_both(
      m, cls, "chunk",
      [](const Tensor& x, int64_t c, int64_t d) { return py::tuple(py::cast(chunk(x, c, d))); },
      py::arg("chunks"), py::arg("dim") = 0);
  def_both(
      m, cls, "split",
      [](const Tensor& x, py::object s, int64_t d) {
        if (PyLong_Check(s.ptr())) return py::tuple(py::cast(split(x, s.cast<int64_t>(), d)));
        return py::tuple(py::cast(split(x, shape_from_object(s, "split"), d)));
      },
      py::arg("split_size_or_sections"), py::arg("dim") = 0);

  // ---- joining and indexing -----------------------------------------------------------------
  // A sequence of tensors; a lone tensor is rejected (iterating it would silently cat its rows).
  auto tensor_list = [](const py::object& seq, const char* op) {
    TG_CHECK(!py::isinstance<TensorImpl>(seq), TypeError, op,
             ": expected a tuple or list of tensors, got a single Tensor");
    return seq.cast<std::vector<Tensor>>();
  };
  for (const char* name : {"cat", "concat"})
    m.def(
        name,
        [tensor_list](const py::object& ts, int64_t d) {
          std::vector<Tensor> list = tensor_list(ts, "cat");
          py::gil_scoped_release nogil;
          return cat(list, d);
        },
        py::arg("tensors"), py::arg("dim") = 0);
  m.def(
      "stack",
      [tensor_list](const py::object& ts, int64_t d) {
        std::vector<Tensor> list = tensor_list(ts, "stack");
        py::gil_scoped_release nogil;
        return stack(list, d);
      },
      py::arg("tensors"), py::arg("dim") = 0);
  def_both(
      m, cls, "gather", [](const Tensor& x, int64_t d, const Tensor& i) { return gather(x, d, i); },
      Release(), py::arg("dim"), py::arg("index"));
  def_both(
      m, cls, "scatter_add",
      [](const Tensor& x, int64_t d, const Tensor& i, const Tensor& s) { return scatter_add(x, d, i, s); },
      Release(), py::arg("dim"), py::arg("index"), py::arg("src"));
  def_both(
      m, cls, "index_select",
      [](const Tensor& x, int64_t d, const Tensor& i) { return index_select(x, d, i); }, Release(),
      py::arg("dim"), py::arg("index"));
  def_both(
      m, cls, "index_add",
      [](const Tensor& x, int64_t d, const Tensor& i, const Tensor& s, const Scalar& alpha) {
        return index_add(x, d, i, s, alpha);
      },
      Release(), py::arg("dim"), py::arg("index"), py::arg("source"), py::kw_only(), py::arg("alpha") = 1);
  def_both(
      m, cls, "masked_fill",
      [](const Tensor& x, const Tensor& mask, const Operand& v) { return masked_fill(x, mask, v.t); },
      Release(), py::arg("mask"), py::arg("value"));
  def_both(
      m, cls, "masked_select", [](const Tensor& x, const Tensor& mask) { return masked_select(x, mask); },
      Release(), py::arg("mask"));
  m.def(
      "where", [](const Tensor& c, const Operand& x, const Operand& y) { return where(c, x.t, y.t); },
      Release(), py::arg("condition"), py::arg("input"), py::arg("other"));
  // where(condition) alone: the coordinates of its true elements, one tensor per dim.
  auto nonzero_tuple = [](const Tensor& c_in) {
    const Tensor c = c_in.dim() == 0 ? reshape(c_in, {1}) : c_in;  // a 0-d condition acts as 1-d
    Tensor nz = nonzero(c);
    py::tuple r(c.dim());
    for (int64_t d = 0; d < c.dim(); ++d) r[d] = py::cast(contiguous(select(nz, 1, d)));
    return r;
  };
  m.def("where", nonzero_tuple, py::arg("condition"));
  def_both(
      m, cls, "nonzero",
      [nonzero_tuple](const Tensor& x, bool as_tuple) -> py::object {
        if (as_tuple) return nonzero_tuple(x);
        return py::cast(nonzero(x));
      },
      py::kw_only(), py::arg("as_tuple") = false);
  cls.def(
      "where", [](const Tensor& x, const Tensor& c, const Operand& y) { return where(c, x, y.t); }, Release(),
      py::arg("condition"), py::arg("other"));

  // ---- linear algebra -----------------------------------------------------------------------
  def_both(
      m, cls, "matmul", [](const Tensor& x, const Tensor& y) { return matmul(x, y); }, Release(),
      py::arg("other"));
  def_both(
      m, cls, "mm", [](const Tensor& x, const Tensor& y) { return mm(x, y); }, Release(), py::arg("mat2"));
  def_both(
      m, cls, "bmm", [](const Tensor& x, const Tensor& y) { return bmm(x, y); }, Release(), py::arg("mat2"));
  def_both(
      m, cls, "dot", [](const Tensor& x, const Tensor& y) { return dot(x, y); }, Release(), py::arg("other"));
  def_both(
      m, cls, "mv", [](const Tensor& x, const Tensor& v) { return mv(x, v); }, Release(), py::arg("vec"));
  for (const char* name : {"outer", "ger"})
    def_both(
        m, cls, name, [](const Tensor& x, const Tensor& y) { return outer(x, y); }, Release(),
        py::arg("vec2"));
  def_both(
      m, cls, "addmm",
      [](const Tensor& bias, const Tensor& x, const Tensor& y, double beta, double alpha) {
        return addmm(bias, x, y, beta, alpha);
      },
      Release(), py::arg("mat1"), py::arg("mat2"), py::kw_only(), py::arg("beta") = 1.0,
      py::arg("alpha") = 1.0);
}

}  // namespace tg::py_bind
