// Python indexing: t[ints, slices, None, ..., one int64/bool tensor] and assignment through it.
// Basic indices make views; one advanced index (int64 or bool tensor, list, array) becomes an
// index_select over the dims it covers.
#include <cstring>

#include "common.h"

namespace tg::py_bind {

namespace {

// ---- indexing ----------------------------------------------------------------------------------

// A NumPy array of one or more dims: an advanced index (a 0-d one is an int, via __index__).
bool is_nd_array(const py::handle& h) {
  return py::isinstance<py::array>(h) && py::reinterpret_borrow<py::array>(h).ndim() > 0;
}

bool is_bool_mask(const py::handle& h) {
  if (py::isinstance<TensorImpl>(h)) return h.cast<Tensor>().dtype() == DType::Bool;
  return false;
}

// An advanced index as an int64 or bool tensor (from a tensor, list or array), else undefined.
Tensor as_index_tensor(const py::handle& h) {
  if (py::isinstance<TensorImpl>(h)) return h.cast<Tensor>();
  const bool sequence = py::isinstance<py::list>(h) || py::isinstance<py::tuple>(h) ||
                        py::isinstance(h, py::module_::import("builtins").attr("range"));
  if (sequence || py::isinstance<py::array>(h)) {
    py::array a = py::module_::import("numpy").attr("asarray")(
        sequence ? py::object(py::list(py::reinterpret_borrow<py::object>(h)))
                 : py::reinterpret_borrow<py::object>(h));
    if (a.dtype().kind() == 'b') return clone(from_numpy(a.attr("astype")("bool")));
    if (a.dtype().kind() == 'i' || a.dtype().kind() == 'u' || a.size() == 0)
      return clone(from_numpy(a.attr("astype")("int64")));
    throw TypeError(msg("index: tensors used as indices must be long or bool, got array of ",
                        std::string(py::str(a.dtype()))));
  }
  return Tensor();
}

struct Advanced {
  Tensor idx;        // int64 or bool
  int64_t dim = 0;   // the first dim of the basic view it applies to
  int64_t span = 1;  // dims it covers (a mask covers its own dims)
};
struct IndexResult {
  Tensor view;                 // result of basic indexing (a view)
  std::vector<Advanced> advs;  // advanced indices, in order
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
    // A bool mask covers its own dims; a 0-d one (or a Python bool) adds a dim, like None.
    if (PyBool_Check(h.ptr())) continue;
    if (is_bool_mask(h))
      consumed += h.cast<Tensor>().dim();
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
      // A new dim of size 1, kept (True) or emptied (False).
      r.view = unsqueeze(r.view, d);
      r.advs.push_back({h.ptr() == Py_True ? zeros({1}, DType::Int64) : zeros({0}, DType::Int64), d++});
    } else if (PyLong_Check(h.ptr()) ||
               (PyIndex_Check(h.ptr()) && !py::isinstance<TensorImpl>(h) && !is_nd_array(h))) {
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
      // torch's index dtypes: the other integers index as int64, uint8 (its legacy mask) as bool
      if (idx.dtype() == DType::UInt8)
        idx = to_dtype(idx, DType::Bool);
      else if (is_integral(idx.dtype()))
        idx = to_dtype(idx, DType::Int64);
      if (idx.dim() == 0 && idx.dtype() == DType::Int64) {
        r.view = select(r.view, d, int64_t(idx.item()));
        continue;
      }
      TG_CHECK(idx.dtype() == DType::Int64 || idx.dtype() == DType::Bool, TypeError,
               "index: tensors used as indices must be long, int, byte or bool tensors, got ",
               dtype_name(idx.dtype()));
      if (idx.dtype() == DType::Bool && idx.dim() == 0) {  // as a Python bool
        r.view = unsqueeze(r.view, d);
        r.advs.push_back({idx.item() != 0.0 ? zeros({1}, DType::Int64) : zeros({0}, DType::Int64), d++});
        continue;
      }
      const int64_t span = idx.dtype() == DType::Bool ? idx.dim() : 1;
      r.advs.push_back({idx, d, span});
      d += span;
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
  s.push_back(mask.numel());  // explicit: -1 is ambiguous when a dim is 0
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

// Several advanced indices: torch keeps their result dims where the indices stand when they
// are adjacent, else moves them to the front. Either way the indexed dims become consecutive,
// from the returned dim, of a view (a permutation of `r.view` when they are apart).
int64_t gather_advanced(IndexResult& r, TensorList& indices) {
  bool adjacent = true;
  for (size_t i = 1; i < r.advs.size(); ++i)
    adjacent = adjacent && r.advs[i].dim == r.advs[i - 1].dim + r.advs[i - 1].span;
  for (const Advanced& a : r.advs) indices.push_back(a.idx);
  if (adjacent) return r.advs[0].dim;
  std::vector<int64_t> order;
  std::vector<bool> taken(size_t(r.view.dim()), false);
  for (const Advanced& a : r.advs)
    for (int64_t q = 0; q < a.span; ++q) {
      order.push_back(a.dim + q);
      taken[size_t(a.dim + q)] = true;
    }
  for (int64_t d = 0; d < r.view.dim(); ++d)
    if (!taken[size_t(d)]) order.push_back(d);
  r.view = permute(r.view, order);
  return 0;
}

Tensor getitem(const Tensor& self, const py::object& index) {
  IndexResult r = apply_basic(self, index);
  if (r.advs.empty()) return r.view;
  if (r.advs.size() == 1) {  // one index: through index_select, no copy of the indexed tensor
    const Tensor& adv = r.advs[0].idx;
    const int64_t d = r.advs[0].dim;
    if (adv.dtype() == DType::Bool) {
      auto [flat, pos] = mask_to_positions(r.view, adv, d);
      return index_select(flat, d, pos);
    }
    Tensor sel = index_select(r.view, d, wrap_negative(reshape(adv, {-1}), r.view.size(d)));
    Shape s(sel.shape().begin(), sel.shape().begin() + d);
    s.insert(s.end(), adv.shape().begin(), adv.shape().end());
    s.insert(s.end(), sel.shape().begin() + d + 1, sel.shape().end());
    return reshape(sel, s);
  }
  TensorList indices;
  const int64_t d = gather_advanced(r, indices);
  return tg::index(r.view, indices, d);
}

void setitem(Tensor& self, const py::object& index, const Operand& value) {
  IndexResult r = apply_basic(self, index);
  Tensor v = value.t;
  // Leading size-1 dims of the value never matter for broadcasting; dropped, as in torch.
  while (v.dim() > 0 && v.shape()[0] == 1) v = squeeze(v, 0);
  if (r.advs.empty()) {
    copy_(r.view, v);
    return;
  }
  TensorList indices;
  const int64_t d = gather_advanced(r, indices);
  // index_put_ writes through the view's own strides (a transposed or strided view included).
  index_put_(r.view, indices, v, /*accumulate=*/false, d);
}

}  // namespace

void bind_indexing(PyTensorClass& cls) {
  cls.def("__getitem__", &getitem);
  cls.def("__setitem__", [](Tensor& t, const py::object& i, const Operand& v) { setitem(t, i, v); });
}

}  // namespace tg::py_bind
