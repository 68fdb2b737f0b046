// Scans, orderings and counting (cumsum ... median, unique, searchsorted, quantile): function
// and method, torch's signatures. The pairs
// come back as torch's named tuples (tetragrad.return_types.sort etc.: .values, .indices).
#include "common.h"

namespace tg::py_bind {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

std::optional<DType> optional_dtype(const py::object& dtype) {
  if (dtype.is_none()) return std::nullopt;
  return dtype.cast<DType>();
}

}  // namespace

void bind_scan(py::module_& m, PyTensorClass& cls) {
  py::module_ types = m.def_submodule("return_types", "Named tuples returned by ops of two results.");
  py::object namedtuple = py::module_::import("collections").attr("namedtuple");
  // Pairs (values, indices) of each op, built with the GIL held.
  auto pair_type = [&](const char* name) {
    py::object t = namedtuple(name, py::make_tuple("values", "indices"));
    t.attr("__module__") = "tetragrad.return_types";
    types.attr(name) = t;
    return t;
  };
  // The op runs without the GIL; its pair becomes the named tuple with it.
  auto wrap = [](py::object type) {
    return [type](auto&& op) {
      std::pair<Tensor, Tensor> r;
      {
        py::gil_scoped_release release;
        r = op();
      }
      return type(r.first, r.second);
    };
  };
  const auto as_sort = wrap(pair_type("sort")), as_topk = wrap(pair_type("topk"));
  const auto as_cummax = wrap(pair_type("cummax")), as_cummin = wrap(pair_type("cummin"));
  const auto as_kth = wrap(pair_type("kthvalue")), as_mode = wrap(pair_type("mode"));
  const auto as_median = wrap(pair_type("median")), as_nanmedian = wrap(pair_type("nanmedian"));

  for (bool prod : {false, true}) {
    auto fn = [prod](const Tensor& x, int64_t dim, const py::object& dtype) {
      const auto d = optional_dtype(dtype);
      py::gil_scoped_release release;
      return prod ? cumprod(x, dim, d) : cumsum(x, dim, d);
    };
    def_both(m, cls, prod ? "cumprod" : "cumsum", fn, py::arg("dim"), py::kw_only(),
             py::arg("dtype") = py::none());
    cls.def(
        prod ? "cumprod_" : "cumsum_",
        [fn](Tensor& self, int64_t dim, const py::object& dtype) -> Tensor& {
          Tensor r = fn(self, dim, dtype);
          py::gil_scoped_release release;
          return copy_(self, r);
        },
        py::arg("dim"), py::kw_only(), py::arg("dtype") = py::none());
  }
  def_both(m, cls, "logcumsumexp", &logcumsumexp, Release(), py::arg("dim"));
  def_both(
      m, cls, "cummax",
      [as_cummax](const Tensor& x, int64_t dim) { return as_cummax([&] { return cummax(x, dim); }); },
      py::arg("dim"));
  def_both(
      m, cls, "cummin",
      [as_cummin](const Tensor& x, int64_t dim) { return as_cummin([&] { return cummin(x, dim); }); },
      py::arg("dim"));
  // Every sort here is stable, so `stable` changes nothing (torch's unstable order is unspecified).
  def_both(
      m, cls, "sort",
      [as_sort](const Tensor& x, int64_t dim, bool descending, const py::object&) {
        return as_sort([&] { return tg::sort(x, dim, descending); });
      },
      py::arg("dim") = -1, py::arg("descending") = false, py::kw_only(), py::arg("stable") = py::none());
  def_both(
      m, cls, "argsort",
      [](const Tensor& x, int64_t dim, bool descending, bool) { return argsort(x, dim, descending); },
      Release(), py::arg("dim") = -1, py::arg("descending") = false, py::kw_only(),
      py::arg("stable") = false);
  m.def("msort", [](const Tensor& x) { return tg::sort(x, 0, false).first; }, Release(), py::arg("input"));
  cls.def("msort", [](const Tensor& x) { return tg::sort(x, 0, false).first; }, Release());
  def_both(
      m, cls, "topk",
      [as_topk](const Tensor& x, int64_t k, int64_t dim, bool largest, bool) {
        return as_topk([&] { return topk(x, k, dim, largest); });
      },
      py::arg("k"), py::arg("dim") = -1, py::arg("largest") = true, py::arg("sorted") = true);
  def_both(
      m, cls, "kthvalue",
      [as_kth](const Tensor& x, int64_t k, int64_t dim, bool keepdim) {
        return as_kth([&] { return kthvalue(x, k, dim, keepdim); });
      },
      py::arg("k"), py::arg("dim") = -1, py::arg("keepdim") = false);
  def_both(
      m, cls, "mode",
      [as_mode](const Tensor& x, int64_t dim, bool keepdim) {
        return as_mode([&] { return mode(x, dim, keepdim); });
      },
      py::arg("dim") = -1, py::arg("keepdim") = false);
  // ---- counting and searching --------------------------------------------------------------
  for (bool nan : {false, true})
    def_both(
        m, cls, nan ? "nanmean" : "nansum",
        [nan](const Tensor& x, const py::object& dim, bool keepdim, const py::object& dtype) {
          const Dims d = dims_from(dim);
          const auto dt = optional_dtype(dtype);
          py::gil_scoped_release release;
          return nan ? nanmean(dt ? to_dtype(x, *dt) : x, d, keepdim) : nansum(x, d, keepdim, dt);
        },
        py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
        py::arg("dtype") = py::none());
  {
    py::object minmax = namedtuple("aminmax", py::make_tuple("min", "max"));
    minmax.attr("__module__") = "tetragrad.return_types";
    types.attr("aminmax") = minmax;
    def_both(
        m, cls, "aminmax",
        [minmax](const Tensor& x, const py::object& dim, bool keepdim) {
          const std::optional<int64_t> d =
              dim.is_none() ? std::nullopt : std::optional<int64_t>(dim.cast<int64_t>());
          std::pair<Tensor, Tensor> r;
          {
            py::gil_scoped_release release;
            r = aminmax(x, d, keepdim);
          }
          return minmax(r.first, r.second);
        },
        py::kw_only(), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  }
  def_both(
      m, cls, "bincount",
      [](const Tensor& x, const std::optional<Tensor>& w, int64_t minlength) {
        return bincount(x, w ? *w : Tensor(), minlength);
      },
      py::arg("weights") = py::none(), py::arg("minlength") = 0);
  def_both(
      m, cls, "histc",
      [](const Tensor& x, int64_t bins, double lo, double hi) { return histc(x, bins, lo, hi); }, Release(),
      py::arg("bins") = 100, py::arg("min") = 0, py::arg("max") = 0);
  auto right_of = [](bool right, const py::object& side) {
    if (side.is_none()) return right;
    const std::string s = side.cast<std::string>();
    TG_CHECK(s == "left" || s == "right", ValueError,
             "searchsorted: side can only be 'left' or 'right', got '", s, "'");
    TG_CHECK(!right || s == "right", ValueError,
             "searchsorted: side and right can't be set to opposites, got side of ", s,
             " while right was True");
    return s == "right";
  };
  m.def(
      "searchsorted",
      [right_of](const Tensor& seq, const Operand& v, bool out_int32, bool right, const py::object& side,
                 const std::optional<Tensor>& sorter) {
        const bool r = right_of(right, side);
        py::gil_scoped_release release;
        const Tensor pos = searchsorted(seq, v.t, r, sorter ? *sorter : Tensor());
        return out_int32 ? to_dtype(pos, DType::Int32) : pos;
      },
      py::arg("sorted_sequence"), py::arg("input"), py::kw_only(), py::arg("out_int32") = false,
      py::arg("right") = false, py::arg("side") = py::none(), py::arg("sorter") = py::none());
  def_both(
      m, cls, "bucketize",
      [right_of](const Tensor& x, const Tensor& boundaries, bool out_int32, bool right) {
        TG_CHECK(boundaries.dim() == 1, ValueError,
                 "bucketize: boundaries tensor must be 1 dimension, but got dim(", boundaries.dim(), ")");
        const bool r = right_of(right, py::none());
        py::gil_scoped_release release;
        const Tensor pos = searchsorted(boundaries, x, r);
        return out_int32 ? to_dtype(pos, DType::Int32) : pos;
      },
      py::arg("boundaries"), py::kw_only(), py::arg("out_int32") = false, py::arg("right") = false);
  for (bool consecutive : {false, true}) {
    auto fn = [consecutive](const Tensor& x, bool sorted, bool inverse, bool counts,
                            const py::object& dim) -> py::object {
      const std::optional<int64_t> d =
          dim.is_none() ? std::nullopt : std::optional<int64_t>(dim.cast<int64_t>());
      UniqueResult r;
      {
        py::gil_scoped_release release;
        r = unique(x, sorted, inverse, counts, consecutive, d);
      }
      if (!inverse && !counts) return py::cast(r.values);
      py::list out;
      out.append(r.values);
      if (inverse) out.append(r.inverse);
      if (counts) out.append(r.counts);
      return py::tuple(out);
    };
    if (consecutive)
      def_both(
          m, cls, "unique_consecutive",
          [fn](const Tensor& x, bool inverse, bool counts, const py::object& dim) {
            return fn(x, true, inverse, counts, dim);
          },
          py::arg("return_inverse") = false, py::arg("return_counts") = false, py::arg("dim") = py::none());
    else
      def_both(m, cls, "unique", fn, py::arg("sorted") = true, py::arg("return_inverse") = false,
               py::arg("return_counts") = false, py::arg("dim") = py::none());
  }
  for (bool nan : {false, true})
    def_both(
        m, cls, nan ? "nanquantile" : "quantile",
        [nan](const Tensor& x, const Operand& q, const py::object& dim, bool keepdim,
              const std::string& how) {
          const std::optional<int64_t> d =
              dim.is_none() ? std::nullopt : std::optional<int64_t>(dim.cast<int64_t>());
          py::gil_scoped_release release;
          return quantile(x, q.t, d, keepdim, how, nan);
        },
        py::arg("q"), py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
        py::arg("interpolation") = "linear");

  for (bool nan : {false, true}) {
    auto as_pair = nan ? as_nanmedian : as_median;
    def_both(
        m, cls, nan ? "nanmedian" : "median",
        [nan, as_pair](const Tensor& x, const py::object& dim, bool keepdim) -> py::object {
          if (dim.is_none()) return py::cast(median_all(x, nan));
          const int64_t d = dim.cast<int64_t>();
          return as_pair([&] { return median_dim(x, d, keepdim, nan); });
        },
        py::arg("dim") = py::none(), py::arg("keepdim") = false);
  }
}

}  // namespace tg::py_bind
