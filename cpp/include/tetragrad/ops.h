// Tensor-level ops: validate, allocate, dispatch to the device's kernel, record backward.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tetragrad/autograd.h"
#include "tetragrad/generator.h"
#include "tetragrad/op_kinds.h"
#include "tetragrad/scalar.h"
#include "tetragrad/tensor.h"
#include "tetragrad/threading.h"

namespace tg {

using Dims = std::vector<int64_t>;  // reduction dims; empty means all dims

// ---- creation -------------------------------------------------------------------------
Tensor empty(const Shape& shape, DType dtype = DType::Float32, Device device = {});
Tensor zeros(const Shape& shape, DType dtype = DType::Float32, Device device = {});
Tensor ones(const Shape& shape, DType dtype = DType::Float32, Device device = {});
Tensor full(const Shape& shape, double value, DType dtype = DType::Float32, Device device = {});
// On `like`'s device (torch's Tensor.new_empty/new_zeros/new_ones/new_full): every op allocates
// through these (or with its inputs' device), so nothing lands on the wrong device.
Tensor new_empty(const Tensor& like, const Shape& shape, DType dtype);
Tensor new_zeros(const Tensor& like, const Shape& shape, DType dtype);
Tensor new_ones(const Tensor& like, const Shape& shape, DType dtype);
Tensor new_full(const Tensor& like, const Shape& shape, double value, DType dtype);
// torch's arange: for an int64 result, start/end/step are taken as int64 (truncated) and the
// values are exact; for a floating one, computed in double. An element count that does not fit
// an int64 raises.
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, DType dtype, Device device = {});
Tensor linspace(double start, double end, int64_t steps, DType dtype = DType::Float32, Device device = {});
Tensor eye(int64_t n, int64_t m = -1, DType dtype = DType::Float32, Device device = {});
// ---- random (tetragrad/generator.h: a null generator is the default one) ---------------------
Tensor rand(const Shape& shape, DType dtype = DType::Float32, Device device = {}, Generator* gen = nullptr);
Tensor randn(const Shape& shape, DType dtype = DType::Float32, Device device = {}, Generator* gen = nullptr);
Tensor randint(int64_t low, int64_t high, const Shape& shape, DType dtype = DType::Int64, Device device = {},
               Generator* gen = nullptr);
// A random permutation of 0..n-1 (Fisher-Yates).
Tensor randperm(int64_t n, DType dtype = DType::Int64, Device device = {}, Generator* gen = nullptr);
// num_samples category indices per row of probs [K] or [rows, K] (non-negative weights, not
// necessarily normalised): with replacement, independent draws; without, distinct categories.
Tensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement = false,
                   Generator* gen = nullptr);
// 1 with probability p (elementwise), in p's dtype.
Tensor bernoulli(const Tensor& p, Generator* gen = nullptr);
// N(mean, std^2) elementwise, mean and std broadcast together.
Tensor normal(const Tensor& mean, const Tensor& std, Generator* gen = nullptr);
// Poisson(rate) elementwise, in rate's dtype.
Tensor poisson(const Tensor& rate, Generator* gen = nullptr);
// Gamma(alpha, 1) draws (torch._standard_gamma), differentiable in alpha by the implicit
// reparameterization gradient.
Tensor standard_gamma(const Tensor& alpha, Generator* gen = nullptr);
void manual_seed(uint64_t seed);  // the default generator's
// In-place fillers (torch's Tensor.<name>_): each draws t.numel() values for t's shape.
Tensor& uniform_(Tensor& t, double from = 0.0, double to = 1.0, Generator* gen = nullptr);
Tensor& normal_(Tensor& t, double mean = 0.0, double std = 1.0, Generator* gen = nullptr);
Tensor& bernoulli_(Tensor& t, double p = 0.5, Generator* gen = nullptr);
Tensor& bernoulli_(Tensor& t, const Tensor& p, Generator* gen = nullptr);  // p broadcasts to t
Tensor& exponential_(Tensor& t, double lambd = 1.0, Generator* gen = nullptr);
Tensor& log_normal_(Tensor& t, double mean = 1.0, double std = 2.0, Generator* gen = nullptr);
Tensor& cauchy_(Tensor& t, double median = 0.0, double sigma = 1.0, Generator* gen = nullptr);
Tensor& geometric_(Tensor& t, double p, Generator* gen = nullptr);
// Integers uniform in [from, to) (to: none = 2^mantissa bits for floats, the dtype's max + 1 for
// ints; torch's random_).
Tensor& random_(Tensor& t, int64_t from, std::optional<int64_t> to, Generator* gen = nullptr);

// A 0-d tensor; `wrapped` marks a Python number (it does not decide the result dtype).
Tensor scalar_tensor(double value, DType dtype, bool wrapped = false);
Tensor wrap_scalar(double value);   // float scalar
Tensor wrap_scalar(int64_t value);  // int scalar
Tensor wrap_scalar(bool value);
Tensor wrap_scalar(const Scalar& value);
// The value of a one-element tensor: an int64 exactly, a float as a double, a bool.
Scalar to_scalar(const Tensor& t);

// ---- copy and conversion ----------------------------------------------------------------
Tensor contiguous(const Tensor& t);
Tensor clone(const Tensor& t);
Tensor to_dtype(const Tensor& t, DType dtype);
Tensor& copy_(Tensor& dst, const Tensor& src);  // src broadcasts to dst
Tensor& fill_(Tensor& t, double value);
Tensor& zero_(Tensor& t);

// ---- views (share storage) --------------------------------------------------------------
Tensor view(const Tensor& t, Shape shape);     // -1 inferred; needs compatible strides
Tensor reshape(const Tensor& t, Shape shape);  // a view when possible, else a copy
Tensor transpose(const Tensor& t, int64_t d0, int64_t d1);
Tensor permute(const Tensor& t, Dims dims);
Tensor matrix_t(const Tensor& t);  // t.t(): 0-, 1- or 2-D
Tensor unsqueeze(const Tensor& t, int64_t dim);
Tensor squeeze(const Tensor& t, std::optional<int64_t> dim = std::nullopt);
Tensor expand(const Tensor& t, Shape sizes);  // -1 keeps a size
Tensor flatten(const Tensor& t, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor slice(const Tensor& t, int64_t dim, int64_t start, int64_t end, int64_t step = 1);
Tensor narrow(const Tensor& t, int64_t dim, int64_t start, int64_t length);
Tensor select(const Tensor& t, int64_t dim, int64_t index);
TensorList unbind(const Tensor& t, int64_t dim = 0);
Tensor diagonal(const Tensor& t, int64_t offset = 0, int64_t dim1 = 0, int64_t dim2 = 1);
// Sliding windows along `dimension` (Tensor.unfold): that dim becomes the window count, a new last
// dim of `size` the window.
Tensor unfold(const Tensor& t, int64_t dimension, int64_t size, int64_t step);
Tensor movedim(const Tensor& t, const Dims& source, const Dims& destination);
Tensor broadcast_to(const Tensor& t, const Shape& shape);
TensorList broadcast_tensors(const TensorList& tensors);
// Grids of 0-d/1-d tensors, matrix (ij) or Cartesian (xy) indexing; expanded views.
TensorList meshgrid(const TensorList& tensors, bool xy = false);
Tensor atleast_1d(const Tensor& t);
Tensor atleast_2d(const Tensor& t);
Tensor atleast_3d(const Tensor& t);
// In-place view ops: self takes the view's shape, strides and history; returns self.
Tensor& squeeze_(Tensor& self, std::optional<int64_t> dim = std::nullopt);
Tensor& unsqueeze_(Tensor& self, int64_t dim);
Tensor& transpose_(Tensor& self, int64_t d0, int64_t d1);
Tensor& t_(Tensor& self);

// ---- shape and layout (copies) ----------------------------------------------------------------
Tensor flip(const Tensor& t, const Dims& dims);
// Elements shifted along dims (circularly); no dims: over the flattened tensor.
Tensor roll(const Tensor& t, const std::vector<int64_t>& shifts, const Dims& dims = {});
// The lower (upper) triangle of the last two dims: col - row <= diagonal (>= diagonal); zeros else.
Tensor tril(const Tensor& t, int64_t diagonal = 0);
Tensor triu(const Tensor& t, int64_t diagonal = 0);
Tensor tril_indices(int64_t row, int64_t col, int64_t offset = 0, DType dtype = DType::Int64,
                    Device device = {});
Tensor triu_indices(int64_t row, int64_t col, int64_t offset = 0, DType dtype = DType::Int64,
                    Device device = {});
Tensor diag_embed(const Tensor& t, int64_t offset = 0, int64_t dim1 = -2, int64_t dim2 = -1);
Tensor diag(const Tensor& t, int64_t diagonal = 0);  // 1-D -> matrix, matrix -> its diagonal
Tensor trace(const Tensor& t);
Tensor repeat(const Tensor& t, const Shape& repeats);  // Tensor.repeat: tiles, repeats.size() >= dim
Tensor tile(const Tensor& t, const Shape& dims);
// Each element `repeats` times along dim (none: over the flattened tensor).
Tensor repeat_interleave(const Tensor& t, int64_t repeats, std::optional<int64_t> dim = std::nullopt);
Tensor repeat_interleave(const Tensor& t, const Tensor& repeats, std::optional<int64_t> dim = std::nullopt);
Tensor repeat_interleave(const Tensor& repeats);  // i repeated repeats[i] times, int64
Tensor hstack(const TensorList& tensors);
Tensor vstack(const TensorList& tensors);
Tensor dstack(const TensorList& tensors);
Tensor column_stack(const TensorList& tensors);
TensorList tensor_split(const Tensor& t, int64_t sections, int64_t dim = 0);
TensorList tensor_split(const Tensor& t, const std::vector<int64_t>& indices, int64_t dim = 0);
Tensor take(const Tensor& t, const Tensor& index);  // of the flattened tensor; negatives wrap
Tensor take_along_dim(const Tensor& t, const Tensor& indices, std::optional<int64_t> dim = std::nullopt);
Tensor sum_to_size(const Tensor& t, const Shape& size);

// ---- joining and indexing -----------------------------------------------------------------
Tensor cat(const TensorList& tensors, int64_t dim = 0);
Tensor stack(const TensorList& tensors, int64_t dim = 0);
TensorList chunk(const Tensor& t, int64_t chunks, int64_t dim = 0);
TensorList split(const Tensor& t, int64_t split_size, int64_t dim = 0);
TensorList split(const Tensor& t, const std::vector<int64_t>& sizes, int64_t dim = 0);
// ---- gather and scatter along a dim (index: int64, every entry in [0, size of dim)) -------------
Tensor gather(const Tensor& t, int64_t dim, const Tensor& index);
Tensor scatter_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src);
// t with src[j] (or value) written to index's slots along dim; among duplicates the last wins.
Tensor scatter(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter(const Tensor& t, int64_t dim, const Tensor& index, const Scalar& value);
// reduce: "sum", "prod", "mean", "amax", "amin" (and scatter's legacy "add", "multiply"); without
// include_self, a slot that gets src elements forgets t's value. Integer means floor.
Tensor scatter_reduce(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src,
                      const std::string& reduce, bool include_self = true);
// t with value (0-d) at the index positions along dim (negatives wrap).
Tensor index_fill(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& value);
// t with source's slices j at index[j] along dim; source is t's shape with index.numel() there.
Tensor index_copy(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& source);
// t (broadcast with mask) with source's leading elements, in order, where mask is true.
Tensor masked_scatter(const Tensor& t, const Tensor& mask, const Tensor& source);
// self := result in place, where result is an out-of-place op's value from self (the in-place
// forms scatter_, index_fill_, ...): self takes its history.
Tensor& assign_(Tensor& self, const Tensor& result, const char* op);
Tensor index_select(const Tensor& t, int64_t dim, const Tensor& index);
Tensor index_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src,
                 const Scalar& alpha = 1);
// t[indices] for int64/bool index tensors into consecutive dims dim.. (torch's aten::index):
// the indices broadcast together and their shape replaces the indexed dims.
Tensor index(const Tensor& t, const TensorList& indices, int64_t dim = 0);
// t[indices] = values (+= with accumulate), torch's index_put_: int64 index tensors broadcast
// together, a bool mask stands for its true positions (k of them index dims dim, dim+1, ...;
// torch's API has dim = 0); negatives wrap; values broadcast to the shape of t[indices] and
// are a Python number or of t's dtype. The in-place form writes through any view; among
// duplicate indices the last write wins (accumulate adds them all).
Tensor index_put(const Tensor& t, const TensorList& indices, const Tensor& values, bool accumulate = false,
                 int64_t dim = 0);
Tensor& index_put_(Tensor& t, const TensorList& indices, const Tensor& values, bool accumulate = false,
                   int64_t dim = 0);
Tensor masked_fill(const Tensor& t, const Tensor& mask, const Tensor& value);  // value 0-d
Tensor& masked_fill_(Tensor& t, const Tensor& mask, const Tensor& value);
Tensor masked_select(const Tensor& t, const Tensor& mask);
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
Tensor nonzero(const Tensor& t);  // [count, ndim] int64 coordinates of the nonzero elements

// ---- elementwise (broadcasting, PyTorch type promotion) ----------------------------------
// a + alpha * b; alpha is an int (or bool, for bool results) unless the result is floating.
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
// A wrapped Python number as exponent takes the scalar path: torch's promotion (an int tensor
// to a float power is float), and integers to negative integer powers raise.
Tensor pow(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, double exponent);  // a float exponent: pow(a, wrap_scalar(exponent))
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor compare(BinaryOp op, const Tensor& a, const Tensor& b);  // Eq..Ge -> bool
Tensor logical(BinaryOp op, const Tensor& a, const Tensor& b);  // LogicalAnd/Or -> bool
Tensor logical_xor(const Tensor& a, const Tensor& b);           // -> bool
Tensor unary(UnaryOp op, const Tensor& t);                      // the ops without parameters
Tensor neg(const Tensor& t);
Tensor sign(const Tensor& t);
// exp, log, sqrt, rsqrt, abs, sigmoid, tanh, relu: `Tensor fn(const Tensor& x)`, one per
// TG_UNARY_MATH_OPS entry (pointwise_ops.h).
TG_UNARY_MATH_OPS(TG_DECLARE_POINTWISE)
Tensor clamp(const Tensor& t, std::optional<double> min, std::optional<double> max);
// Bounds as tensors (undefined: none); 0-d bounds promote like scalars (int tensor, float
// bound -> float), others broadcast.
Tensor clamp(const Tensor& t, const Tensor& min, const Tensor& max);
Tensor floor_divide(const Tensor& a, const Tensor& b);
Tensor trunc_divide(const Tensor& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Tensor& b);
Tensor bitwise(BinaryOp op, const Tensor& a, const Tensor& b);  // BitAnd/BitOr/BitXor
Tensor fmod(const Tensor& a, const Tensor& b);  // the sign of a; ints stay ints (zero divisors raise)
// These compute ints in the default float dtype.
Tensor atan2(const Tensor& a, const Tensor& b);
Tensor hypot(const Tensor& a, const Tensor& b);
Tensor logaddexp(const Tensor& a, const Tensor& b);   // log(e^a + e^b)
Tensor logaddexp2(const Tensor& a, const Tensor& b);  // log2(2^a + 2^b)
Tensor xlogy(const Tensor& a, const Tensor& b);       // a log b, 0 where a == 0 (unless b is NaN)
// The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 - P (torch.special.gammainc,
// gammaincc, torch.igamma/igammac); differentiable in x only, as torch's.
Tensor gammainc(const Tensor& a, const Tensor& x);
Tensor gammaincc(const Tensor& a, const Tensor& x);
// start + weight (end - start), floating, one dtype (a Python number weight aside).
Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight);
Tensor lerp(const Tensor& start, const Tensor& end, double weight);
Tensor addcmul(const Tensor& input, const Tensor& t1, const Tensor& t2,
               const Scalar& value = 1);  // input + value t1 t2
Tensor addcdiv(const Tensor& input, const Tensor& t1, const Tensor& t2,
               const Scalar& value = 1);              // input + value t1 / t2
Tensor round(const Tensor& x, int64_t decimals = 0);  // half to even
// NaN, +inf and -inf replaced (defaults: 0, the dtype's largest and lowest finite values).
Tensor nan_to_num(const Tensor& x, std::optional<double> nan = 0.0,
                  std::optional<double> posinf = std::nullopt, std::optional<double> neginf = std::nullopt);
Tensor bitwise_not(const Tensor& t);
// op(a, b) by enum, with autograd (alpha scales b in Add and Sub).
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
// In place: self = op(self, other); the result keeps self's dtype (error if it would not fit).
Tensor& binary_(BinaryOp op, Tensor& self, const Tensor& other, const Scalar& alpha = 1);
Tensor& unary_(UnaryOp op, Tensor& self, double a = 0.0, double b = 0.0);
Tensor& clamp_(Tensor& self, std::optional<double> min, std::optional<double> max);
Tensor& clamp_(Tensor& self, const Tensor& min, const Tensor& max);
DType result_type(const Tensor& a, const Tensor& b);
// torch's partial-overlap rule for ops that write `out` while reading `in`: sharing memory is
// fine when they are the same elements in the same layout (x.add_(x)), an error when they only
// partly coincide (x[1:].add_(x[:-1])); layouts with gaps or repeats are not checked (as torch).
void check_no_partial_overlap(const Tensor& out, const Tensor& in, const char* op);

// ---- reductions -------------------------------------------------------------------------
// `dtype`: the input is cast to it first and the result has it (sum to bool: any, prod: all).
Tensor sum(const Tensor& t, const Dims& dims = {}, bool keepdim = false, std::optional<DType> dtype = {});
Tensor mean(const Tensor& t, const Dims& dims = {}, bool keepdim = false);
Tensor prod(const Tensor& t, const Dims& dims = {}, bool keepdim = false, std::optional<DType> dtype = {});
Tensor amax(const Tensor& t, const Dims& dims = {}, bool keepdim = false);
Tensor amin(const Tensor& t, const Dims& dims = {}, bool keepdim = false);
std::pair<Tensor, Tensor> max_dim(const Tensor& t, int64_t dim, bool keepdim = false);
std::pair<Tensor, Tensor> min_dim(const Tensor& t, int64_t dim, bool keepdim = false);
Tensor max_all(const Tensor& t);
Tensor min_all(const Tensor& t);
Tensor argmax(const Tensor& t, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor argmin(const Tensor& t, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor var(const Tensor& t, const Dims& dims = {}, double correction = 1.0, bool keepdim = false);
Tensor std(const Tensor& t, const Dims& dims = {}, double correction = 1.0, bool keepdim = false);
// (var, mean) and (std, mean) in one pass each, one autograd node with both outputs differentiable.
std::pair<Tensor, Tensor> var_mean(const Tensor& t, const Dims& dims = {}, double correction = 1.0,
                                   bool keepdim = false);
std::pair<Tensor, Tensor> std_mean(const Tensor& t, const Dims& dims = {}, double correction = 1.0,
                                   bool keepdim = false);
Tensor logsumexp(const Tensor& t, const Dims& dims, bool keepdim = false);
Tensor norm(const Tensor& t, double p = 2.0, const Dims& dims = {}, bool keepdim = false);
// Whether any / all elements are nonzero (over `dims`; all dims when empty): bool.
Tensor any(const Tensor& t, const Dims& dims = {}, bool keepdim = false);
Tensor all(const Tensor& t, const Dims& dims = {}, bool keepdim = false);
Tensor count_nonzero(const Tensor& t, const Dims& dims = {});  // int64
// |a - b| <= atol + rtol |b| elementwise (equal infinities close; NaNs close when equal_nan):
// bool. a and b of one dtype, as torch's.
Tensor isclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8,
               bool equal_nan = false);
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8,
              bool equal_nan = false);
bool equal(const Tensor& a, const Tensor& b);  // same shape and the same values (after promotion)

// ---- scans and orderings along a dim -------------------------------------------------------
// cumsum/cumprod of an integer or bool tensor are int64 (or `dtype`, cast to first).
Tensor cumsum(const Tensor& t, int64_t dim, std::optional<DType> dtype = {});
Tensor cumprod(const Tensor& t, int64_t dim, std::optional<DType> dtype = {});
Tensor logcumsumexp(const Tensor& t, int64_t dim);
std::pair<Tensor, Tensor> cummax(const Tensor& t, int64_t dim);  // (values, indices)
std::pair<Tensor, Tensor> cummin(const Tensor& t, int64_t dim);
// Stable; NaN sorts above +inf (last ascending, first descending), as torch's.
std::pair<Tensor, Tensor> sort(const Tensor& t, int64_t dim = -1, bool descending = false);
Tensor argsort(const Tensor& t, int64_t dim = -1, bool descending = false);
// The k largest (smallest) along dim, best first; equal values in order of position.
std::pair<Tensor, Tensor> topk(const Tensor& t, int64_t k, int64_t dim = -1, bool largest = true);
std::pair<Tensor, Tensor> kthvalue(const Tensor& t, int64_t k, int64_t dim = -1, bool keepdim = false);
// The most frequent value along dim (the smallest among ties) and its last index, as torch.mode.
std::pair<Tensor, Tensor> mode(const Tensor& t, int64_t dim = -1, bool keepdim = false);
// The lower middle value (and its position); a NaN in the row is its median unless ignore_nan
// (nanmedian).
std::pair<Tensor, Tensor> median_dim(const Tensor& t, int64_t dim, bool keepdim = false,
                                     bool ignore_nan = false);
Tensor median_all(const Tensor& t, bool ignore_nan = false);

// ---- counting, searching, order statistics (ops/counting.cpp) ------------------------------
Tensor nansum(const Tensor& t, const Dims& dims = {}, bool keepdim = false, std::optional<DType> dtype = {});
Tensor nanmean(const Tensor& t, const Dims& dims = {}, bool keepdim = false);  // NaNs left out
std::pair<Tensor, Tensor> aminmax(const Tensor& t, std::optional<int64_t> dim = std::nullopt,
                                  bool keepdim = false);
// Counts (int64), or sums of `weights` (float64 for integer weights), of each value of 1-D
// non-negative int64 t; at least minlength bins.
Tensor bincount(const Tensor& t, const Tensor& weights = Tensor(), int64_t minlength = 0);
// A histogram of `bins` equal bins over [min, max] (both 0: the data's range); outside: ignored.
Tensor histc(const Tensor& t, int64_t bins = 100, double min = 0, double max = 0);
// Where each value goes in the ascending last dim of sorted_sequence (1-D: one row for all;
// else its leading dims match values'); `sorter`: indices that sort it. int64.
Tensor searchsorted(const Tensor& sorted_sequence, const Tensor& values, bool right = false,
                    const Tensor& sorter = Tensor());
struct UniqueResult {
  Tensor values, inverse, counts;  // inverse and counts only when asked for
};
// The distinct values of the flattened t, ascending (consecutive: each run of equal neighbours
// once, in order); inverse: each element's value's position (t's shape); counts per value.
// With dim: the distinct slices along dim, in lexicographic order (inverse: [t.size(dim)]).
UniqueResult unique(const Tensor& t, bool sorted = true, bool return_inverse = false,
                    bool return_counts = false, bool consecutive = false,
                    std::optional<int64_t> dim = std::nullopt);
// The q-quantiles (q a 0-d or 1-D tensor in [0, 1]) along dim (none: of all elements), with
// torch's interpolations (linear, lower, higher, midpoint, nearest); a 1-D q puts its dim first.
// A NaN makes its row's quantile NaN unless ignore_nan (nanquantile).
Tensor quantile(const Tensor& t, const Tensor& q, std::optional<int64_t> dim = std::nullopt,
                bool keepdim = false, const std::string& interpolation = "linear", bool ignore_nan = false);

// ---- linear algebra ----------------------------------------------------------------------
Tensor matmul(const Tensor& a, const Tensor& b);  // 1-D, 2-D and broadcast-batched
Tensor mm(const Tensor& a, const Tensor& b);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b, double beta = 1.0, double alpha = 1.0);
Tensor dot(const Tensor& a, const Tensor& b);
Tensor mv(const Tensor& a, const Tensor& v);     // matrix [n, m] times vector [m]
Tensor outer(const Tensor& a, const Tensor& b);  // a[i] b[j], promoted
// beta * input + alpha * product, input broadcast to the product's shape (beta = 0: its values,
// NaNs too, are ignored; alpha = 0: the product's are).
Tensor addmv(const Tensor& input, const Tensor& mat, const Tensor& vec, double beta = 1.0,
             double alpha = 1.0);
Tensor baddbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2, double beta = 1.0,
               double alpha = 1.0);
Tensor addbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2, double beta = 1.0,
              double alpha = 1.0);  // the batch summed: beta input + alpha sum_b batch1[b] @ batch2[b]
// Einstein summation over any equation torch accepts ("bhid,bhjd->bhij", "ii->i", "...ij,...jk",
// implicit outputs); contracted pairwise left to right, each pair one batched GEMM.
Tensor einsum(const std::string& equation, const TensorList& operands);
// The last `dims` dims of a against the first of b, or the listed pairs.
Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims = 2);
Tensor tensordot(const Tensor& a, const Tensor& b, const Dims& dims_a, const Dims& dims_b);
Tensor kron(const Tensor& a, const Tensor& b);
// The cross product of 3-vectors along dim (broadcast); none: the first dim of size 3 (torch.cross).
Tensor cross(const Tensor& a, const Tensor& b, std::optional<int64_t> dim = std::nullopt);
// ||x1[..., i, :] - x2[..., j, :]||_p for every pair: [*, P, M] x [*, R, M] -> [*, P, R].
Tensor cdist(const Tensor& x1, const Tensor& x2, double p = 2.0);

// ---- C++ operators ------------------------------------------------------------------------
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator-(const Tensor& a) { return neg(a); }
inline Tensor operator+(const Tensor& a, double s) { return add(a, wrap_scalar(s)); }
inline Tensor operator-(const Tensor& a, double s) { return sub(a, wrap_scalar(s)); }
inline Tensor operator*(const Tensor& a, double s) { return mul(a, wrap_scalar(s)); }
inline Tensor operator/(const Tensor& a, double s) { return div(a, wrap_scalar(s)); }
inline Tensor operator*(double s, const Tensor& a) { return mul(wrap_scalar(s), a); }

}  // namespace tg
