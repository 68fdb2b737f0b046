// Shape and layout ops and the scatter family: function and method forms with torch's
// signatures, the in-place `_` forms through tg::assign_ (or the view's own, for squeeze_ ...).
#include "common.h"

namespace tg::py_bind {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

// Sizes or dims given as f(x, 0, 1), f(x, (0, 1)) or f(x, [0, 1]).
Shape ints_from_args(const py::args& args, const char* op) { return shape_from_args(args, op); }

// A sequence of tensors; a lone tensor is rejected (iterating it would silently take its rows).
TensorList tensors_from(const py::object& seq, const char* op) {
  TG_CHECK(!py::isinstance<TensorImpl>(seq), TypeError, op,
           ": expected a tuple or list of tensors, got a single Tensor");
  return seq.cast<std::vector<Tensor>>();
}
// f(a, b, c) or f([a, b, c]).
TensorList tensors_from_args(const py::args& args, const char* op) {
  if (args.size() == 1 && !py::isinstance<TensorImpl>(args[0])) return tensors_from(args[0], op);
  return args.cast<std::vector<Tensor>>();
}

py::tuple as_tuple(const TensorList& ts) { return py::tuple(py::cast(ts)); }

// The in-place form of an out-of-place op: self := op(self, ...).
template <class... A>
auto inplace(const char* name, Tensor (*f)(const Tensor&, A...)) {
  return [name, f](Tensor& self, A... a) -> Tensor& {
    Tensor r = f(from_copy(self), a...);
    py::gil_scoped_release nogil;
    return assign_(self, r, name);
  };
}

std::optional<int64_t> optional_int(const py::object& o) {
  if (o.is_none()) return std::nullopt;
  return o.cast<int64_t>();
}

// One scatter call: torch's scatter(dim, index, src | value, *, reduce) and its in-place form.
Tensor scatter_any(const Tensor& x, int64_t dim, const Tensor& index, const py::object& src,
                   const py::object& reduce) {
  const bool is_tensor = py::isinstance<TensorImpl>(src);
  Tensor s = is_tensor ? src.cast<Tensor>() : Tensor();
  const Scalar v = is_tensor ? Scalar(0.0) : src.cast<Scalar>();
  const std::string r = reduce.is_none() ? "" : reduce.cast<std::string>();
  py::gil_scoped_release nogil;
  if (r.empty()) return is_tensor ? scatter(x, dim, index, s) : scatter(x, dim, index, v);
  TG_CHECK(r == "add" || r == "multiply", ValueError,
           "scatter: reduce argument must be either add or multiply, got '", r, "'");
  if (!is_tensor) s = expand(scalar_tensor(v.to_double(), x.dtype()), index.shape());
  return scatter_reduce(x, dim, index, s, r, true);
}

}  // namespace

void bind_shape(py::module_& m, PyTensorClass& cls) {
  // ---- flips and shifts -----------------------------------------------------------------------
  m.def(
      "flip", [](const Tensor& x, const py::object& dims) { return flip(x, dims_from(dims)); },
      py::arg("input"), py::arg("dims"));
  cls.def("flip", [](const Tensor& x, py::args dims) { return flip(x, ints_from_args(dims, "flip")); });
  def_both(m, cls, "fliplr", [](const Tensor& x) {
    TG_CHECK(x.dim() >= 2, ValueError, "fliplr: input must be >= 2-d, got shape ", x.shape());
    return flip(x, {1});
  });
  def_both(m, cls, "flipud", [](const Tensor& x) {
    TG_CHECK(x.dim() >= 1, ValueError, "flipud: input must be >= 1-d, got shape ", x.shape());
    return flip(x, {0});
  });
  def_both(
      m, cls, "roll",
      [](const Tensor& x, const py::object& shifts, const py::object& dims) {
        return roll(x, dims_from(shifts), dims_from(dims));
      },
      py::arg("shifts"), py::arg("dims") = py::none());

  // ---- triangles and diagonals ------------------------------------------------------------------
  Tensor (*const tri[])(const Tensor&, int64_t) = {&tril, &triu};
  for (bool lower : {true, false}) {
    auto fn = tri[lower ? 0 : 1];
    def_both(m, cls, lower ? "tril" : "triu", fn, Release(), py::arg("diagonal") = 0);
    cls.def(lower ? "tril_" : "triu_", inplace(lower ? "tril_" : "triu_", fn), py::arg("diagonal") = 0);
    m.def(
        lower ? "tril_indices" : "triu_indices",
        [lower](int64_t row, int64_t col, int64_t offset, const py::object& dtype, const py::object& device,
                const py::object&) {
          const DType dt = dtype_or(dtype, DType::Int64);
          const Device dev = device_from(device);
          return lower ? tril_indices(row, col, offset, dt, dev) : triu_indices(row, col, offset, dt, dev);
        },
        py::arg("row"), py::arg("col"), py::arg("offset") = 0, py::kw_only(), py::arg("dtype") = py::none(),
        py::arg("device") = py::none(), py::arg("layout") = py::none());
  }
  def_both(
      m, cls, "diagonal",
      [](const Tensor& x, int64_t offset, int64_t d1, int64_t d2) { return diagonal(x, offset, d1, d2); },
      py::arg("offset") = 0, py::arg("dim1") = 0, py::arg("dim2") = 1);
  def_both(
      m, cls, "diag_embed",
      [](const Tensor& x, int64_t offset, int64_t d1, int64_t d2) { return diag_embed(x, offset, d1, d2); },
      py::arg("offset") = 0, py::arg("dim1") = -2, py::arg("dim2") = -1);
  def_both(m, cls, "diag", [](const Tensor& x, int64_t k) { return diag(x, k); }, py::arg("diagonal") = 0);
  def_both(m, cls, "trace", [](const Tensor& x) { return trace(x); });

  // ---- repeats ----------------------------------------------------------------------------------
  cls.def("repeat",
          [](const Tensor& x, py::args sizes) { return repeat(x, ints_from_args(sizes, "repeat")); });
  m.def(
      "tile", [](const Tensor& x, const py::object& dims) { return tile(x, dims_from(dims)); },
      py::arg("input"), py::arg("dims"));
  cls.def("tile", [](const Tensor& x, py::args dims) { return tile(x, ints_from_args(dims, "tile")); });
  auto interleave = [](const Tensor& x, const py::object& repeats, const py::object& dim, const py::object&) {
    const auto d = optional_int(dim);
    if (py::isinstance<TensorImpl>(repeats)) {
      const Tensor r = repeats.cast<Tensor>();
      py::gil_scoped_release nogil;
      return repeat_interleave(x, r, d);
    }
    const int64_t r = repeats.cast<int64_t>();
    py::gil_scoped_release nogil;
    return repeat_interleave(x, r, d);
  };
  def_both(m, cls, "repeat_interleave", interleave, py::arg("repeats"), py::arg("dim") = py::none(),
           py::kw_only(), py::arg("output_size") = py::none());
  m.def(
      "repeat_interleave",
      [](const Tensor& repeats, const py::object&) { return repeat_interleave(repeats); }, py::arg("repeats"),
      py::kw_only(), py::arg("output_size") = py::none());

  // ---- views -----------------------------------------------------------------------------------
  cls.def(
      "unfold",
      [](const Tensor& x, int64_t d, int64_t size, int64_t step) { return unfold(x, d, size, step); },
      py::arg("dimension"), py::arg("size"), py::arg("step"));
  for (const char* name : {"movedim", "moveaxis"})
    def_both(
        m, cls, name,
        [](const Tensor& x, const py::object& src, const py::object& dst) {
          return movedim(x, dims_from(src), dims_from(dst));
        },
        py::arg("source"), py::arg("destination"));
  def_both(
      m, cls, "swapdims", [](const Tensor& x, int64_t d0, int64_t d1) { return transpose(x, d0, d1); },
      py::arg("dim0"), py::arg("dim1"));
  for (const char* name : {"transpose_", "swapdims_", "swapaxes_"})
    cls.def(name, [](Tensor& x, int64_t d0, int64_t d1) -> Tensor& { return transpose_(x, d0, d1); });
  cls.def("t_", [](Tensor& x) -> Tensor& { return t_(x); });
  cls.def(
      "squeeze_",
      [](Tensor& x, const py::object& dim) -> Tensor& {
        if (dim.is_none()) return squeeze_(x);
        Dims ds = dims_from(dim);
        for (int64_t& d : ds) d = d < 0 ? d + x.dim() : d;
        std::sort(ds.rbegin(), ds.rend());  // the highest first, so the others keep their place
        for (int64_t d : ds) squeeze_(x, d);
        return x;
      },
      py::arg("dim") = py::none());
  cls.def("unsqueeze_", [](Tensor& x, int64_t d) -> Tensor& { return unsqueeze_(x, d); }, py::arg("dim"));
  def_both(
      m, cls, "broadcast_to",
      [](const Tensor& x, const py::object& size) {
        return broadcast_to(x, shape_from_object(size, "broadcast_to"));
      },
      py::arg("size"));
  m.def("broadcast_tensors",
        [](py::args ts) { return as_tuple(broadcast_tensors(tensors_from_args(ts, "broadcast_tensors"))); });
  m.def(
      "meshgrid",
      [](py::args ts, const py::object& indexing) {
        const std::string ix = indexing.is_none() ? "ij" : indexing.cast<std::string>();
        TG_CHECK(ix == "ij" || ix == "xy", ValueError,
                 "meshgrid: indexing must be one of \"xy\" or \"ij\", got \"", ix, "\"");
        return as_tuple(meshgrid(tensors_from_args(ts, "meshgrid"), ix == "xy"));
      },
      py::kw_only(), py::arg("indexing") = py::none());
  cls.def("sum_to_size",
          [](const Tensor& x, py::args size) { return sum_to_size(x, ints_from_args(size, "sum_to_size")); });

  // ---- stacks and splits ------------------------------------------------------------------------
  const std::pair<const char*, Tensor (*)(const Tensor&)> atleast[] = {
      {"atleast_1d", &atleast_1d}, {"atleast_2d", &atleast_2d}, {"atleast_3d", &atleast_3d}};
  for (auto [name, fn] : atleast)
    m.def(name, [fn, name = name](py::args ts) -> py::object {
      if (ts.size() == 1 && py::isinstance<TensorImpl>(ts[0])) return py::cast(fn(ts[0].cast<Tensor>()));
      TensorList r;
      for (const Tensor& t : tensors_from_args(ts, name)) r.push_back(fn(t));
      return as_tuple(r);
    });
  const std::pair<const char*, Tensor (*)(const TensorList&)> stacks[] = {{"hstack", &hstack},
                                                                          {"vstack", &vstack},
                                                                          {"row_stack", &vstack},
                                                                          {"dstack", &dstack},
                                                                          {"column_stack", &column_stack}};
  for (auto [name, fn] : stacks)
    m.def(
        name,
        [fn, name = name](const py::object& ts) {
          TensorList list = tensors_from(ts, name);
          py::gil_scoped_release nogil;
          return fn(list);
        },
        py::arg("tensors"));
  def_both(
      m, cls, "tensor_split",
      [](const Tensor& x, const py::object& sections, int64_t dim) {
        if (py::isinstance<TensorImpl>(sections)) {
          const Tensor s = sections.cast<Tensor>();
          TG_CHECK(
              s.dtype() == DType::Int64 && s.dim() <= 1, TypeError,
              "tensor_split: expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional "
              "int64 tensor, but got a tensor of dtype ",
              dtype_name(s.dtype()), " and shape ", s.shape());
          if (s.dim() == 0) return as_tuple(tensor_split(x, to_scalar(s).to<int64_t>(), dim));
          Tensor c = contiguous(s);
          return as_tuple(
              tensor_split(x, std::vector<int64_t>(c.data<int64_t>(), c.data<int64_t>() + c.numel()), dim));
        }
        if (PyLong_Check(sections.ptr())) return as_tuple(tensor_split(x, sections.cast<int64_t>(), dim));
        return as_tuple(tensor_split(x, sections.cast<std::vector<int64_t>>(), dim));
      },
      py::arg("indices_or_sections"), py::arg("dim") = 0);

  // ---- take, gather and scatter -------------------------------------------------------------------
  def_both(
      m, cls, "take", [](const Tensor& x, const Tensor& i) { return take(x, i); }, Release(),
      py::arg("index"));
  def_both(
      m, cls, "take_along_dim",
      [](const Tensor& x, const Tensor& i, const py::object& dim) {
        return take_along_dim(x, i, optional_int(dim));
      },
      py::arg("indices"), py::arg("dim") = py::none());
  // scatter(dim, index, src) with src a tensor, or scatter(dim, index, value) with a number.
  for (const char* key : {"src", "value"}) {
    def_both(m, cls, "scatter", &scatter_any, py::arg("dim"), py::arg("index"), py::arg(key), py::kw_only(),
             py::arg("reduce") = py::none());
    cls.def("scatter_", inplace("scatter_", &scatter_any), py::arg("dim"), py::arg("index"), py::arg(key),
            py::kw_only(), py::arg("reduce") = py::none());
  }
  auto scatter_reduce_fn = [](const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src,
                              const std::string& reduce, bool include_self) {
    return scatter_reduce(x, dim, index, src, reduce, include_self);
  };
  def_both(m, cls, "scatter_reduce", scatter_reduce_fn, Release(), py::arg("dim"), py::arg("index"),
           py::arg("src"), py::arg("reduce"), py::kw_only(), py::arg("include_self") = true);
  cls.def("scatter_reduce_", inplace("scatter_reduce_", +scatter_reduce_fn), py::arg("dim"), py::arg("index"),
          py::arg("src"), py::arg("reduce"), py::kw_only(), py::arg("include_self") = true);
  cls.def("scatter_add_",
          inplace(
              "scatter_add_", +[](const Tensor& x, int64_t d, const Tensor& i,
                                  const Tensor& s) { return scatter_add(x, d, i, s); }),
          py::arg("dim"), py::arg("index"), py::arg("src"));
  cls.def("index_add_",
          inplace(
              "index_add_", +[](const Tensor& x, int64_t d, const Tensor& i, const Tensor& s,
                                const Scalar& alpha) { return index_add(x, d, i, s, alpha); }),
          py::arg("dim"), py::arg("index"), py::arg("source"), py::kw_only(), py::arg("alpha") = 1);
  auto index_fill_fn = [](const Tensor& x, int64_t d, const Tensor& i, const Operand& v) {
    return index_fill(x, d, i, v.t);
  };
  def_both(m, cls, "index_fill", index_fill_fn, Release(), py::arg("dim"), py::arg("index"),
           py::arg("value"));
  cls.def("index_fill_", inplace("index_fill_", +index_fill_fn), py::arg("dim"), py::arg("index"),
          py::arg("value"));
  auto index_copy_fn = [](const Tensor& x, int64_t d, const Tensor& i, const Tensor& s) {
    return index_copy(x, d, i, s);
  };
  def_both(m, cls, "index_copy", index_copy_fn, Release(), py::arg("dim"), py::arg("index"),
           py::arg("source"));
  cls.def("index_copy_", inplace("index_copy_", +index_copy_fn), py::arg("dim"), py::arg("index"),
          py::arg("source"));
  auto masked_scatter_fn = [](const Tensor& x, const Tensor& mask, const Tensor& s) {
    return masked_scatter(x, mask, s);
  };
  def_both(m, cls, "masked_scatter", masked_scatter_fn, Release(), py::arg("mask"), py::arg("source"));
  cls.def("masked_scatter_", inplace("masked_scatter_", +masked_scatter_fn), py::arg("mask"),
          py::arg("source"));
}

}  // namespace tg::py_bind
