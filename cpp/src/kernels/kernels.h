// The one dispatch point from (op, device) to kernel: a table of function pointers per
// device with one sub-table per op family, each filled by name in its family's kernel file.
// Kernels are raw: pointers, sizes and strides (in elements), no allocation policy, no
// autograd. This header sees only dtype-level types, so the kernel sources compile once per
// CPU instruction set (kernels/cpu/isa.h) and, later, for CUDA.
#pragma once
#include <cstdint>

#include "tetragrad/dtype.h"
#include "tetragrad/op_kinds.h"
#include "tetragrad/scalar.h"

namespace tg {

constexpr int kMaxDims = 25;

constexpr int kMaxOperands = 5;

// Shape and per-operand strides of an elementwise loop over up to kMaxOperands operands
// (operand 0 is the output). Built by the ops layer, coalesced before use.
struct LoopGeom {
  int ndim = 0;
  int nops = 0;
  int64_t shape[kMaxDims];
  int64_t stride[kMaxOperands][kMaxDims];
  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= shape[d];
    return n;
  }
};

enum class ReduceOp : uint8_t {
  Sum,
  Prod,
  Max,
  Min,
  ArgMax,
  ArgMin,
  NormP,
  NormInf,
  NormOne,
  Mean,
  SumSqDev,
  Any,  // bool only
  All,
  StdDev  // sqrt(SumSqDev), taken before rounding to T (a float32 std of 1e30s stays finite)
};

// How scatter combines a slot's value with the src elements sent to it.
enum class ScatterReduce : uint8_t { Assign, Sum, Prod, Mean, Amax, Amin };

// Running ops along a dim (cumsum, cumprod, cummax, cummin, logcumsumexp).
enum class ScanOp : uint8_t { Sum, Prod, Max, Min, LogSumExp };

// Elementwise losses l(x, t[, aux]); aux is BCE-with-logits' pos_weight (1 when absent);
// the parameter p is SmoothL1's beta and Huber's delta. One entry per loss generates its
// LossOp case and its forward and backward kernel cases, which call the functors
// math::<Name>Loss and math::<Name>LossGrad (kernels/common/loss_math.h).
#define TG_POINTWISE_LOSSES(X) X(Mse) X(L1) X(Bce) X(BceLogits) X(SmoothL1) X(Huber)
enum class LossOp : uint8_t {
#define TG_LOSS_ENUM_CASE(Name) Name,
  TG_POINTWISE_LOSSES(TG_LOSS_ENUM_CASE)
#undef TG_LOSS_ENUM_CASE
};
enum class LossWrt : uint8_t { Input, Target, Aux };

// One SGD step's hyper-parameters (PyTorch's update rule; see kernels/common/optim_math.h).
struct SgdParams {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize;
  bool init_buffer;  // first step with momentum: buf := d_p (no dampening), as torch
};

// What a kernel found in its data that the op turns into an error; nothing was written then.
enum class KernelStatus : uint8_t {
  Ok,
  IntegerDivisionByZero,
  InputOutOfRange,  // binary_cross_entropy: an input outside [0, 1] (or NaN)
};
// The first index a checking kernel found out of range (pos -1: none), and its value.
struct BadIndex {
  int64_t pos = -1;
  int64_t value = 0;
};
// The k indexed dims of a coordinate list: their sizes and the strides their offsets use.
struct CoordDims {
  int k = 0;
  int64_t size[kMaxDims];
  int64_t stride[kMaxDims];
};

// ---- one sub-table per family; `kernels/cpu/<family>.cpp` fills its own by name ----

struct ElementwiseKernels {
  // out = op(in) elementwise. Output dtype is `dtype`, or bool for LogicalNot/IsNan/IsFinite.
  void (*unary)(UnaryOp op, DType dtype, const LoopGeom& g, void* out, const void* in, double a, double b);
  // dx = grad * d op/dx, from `saved` (the input or the output: the entry's `saves` in
  // pointwise_ops.h), over a geometry of (dx, grad, saved); floating dtypes, list entries only.
  void (*unary_backward)(UnaryOp op, DType dtype, const LoopGeom& g, void* dx, const void* grad,
                         const void* saved, double a, double b);
  // out = op(a, b). Output dtype is `dtype`, or bool for comparisons and logical ops.
  // alpha scales b in Add and Sub (a + alpha * b), exactly for int64. Integer FloorDiv, TruncDiv,
  // Remainder and Fmod check b for zeros first (IntegerDivisionByZero; the CPU would trap).
  KernelStatus (*binary)(BinaryOp op, DType dtype, const LoopGeom& g, void* out, const void* a, const void* b,
                         const Scalar& alpha);
  // out = cast<out_dtype>(in): strided copy with conversion (contiguous, to, copy_, cat).
  void (*copy)(DType out_dtype, DType in_dtype, const LoopGeom& g, void* out, const void* in);
  // out = cond ? a : b, cond bool.
  void (*where)(DType dtype, const LoopGeom& g, void* out, const void* cond, const void* a, const void* b);
  // Fill contiguous memory.
  void (*fill)(DType dtype, void* out, int64_t n, double value);
  // out[i] = start + i * step: in int64 arithmetic for an int64 out and integer start/step, else
  // in double.
  void (*arange)(DType dtype, void* out, int64_t n, const Scalar& start, const Scalar& step);
  // torch's linspace, computed in double: out[i] = start + i * step for i < n / 2, then
  // end - (n - 1 - i) * step, so the last value is exactly `end` (step = (end - start) / (n - 1)).
  void (*linspace)(DType dtype, void* out, int64_t n, double start, double end);
};

struct ReduceKernels {
  // Reduce x viewed as [outer, R, inner] over R into out [outer, inner]; `index` (int64,
  // may be null) receives the arg of Max/Min/ArgMax/ArgMin. `p`: the norm order, or the
  // correction for SumSqDev (whose `aux` input holds the means, [outer, inner]).
  void (*reduce)(ReduceOp op, DType dtype, void* out, int64_t* index, const void* x, const void* aux,
                 int64_t outer, int64_t R, int64_t inner, double p);
};

struct ScanKernels {
  // out[o, j, i] = op(x[o, 0..j, i]) over contiguous x, out [outer, D, inner] (reverse: over
  // x[o, j..D-1, i]); Sum/Prod accumulate float32 in double, as torch. Max/Min write the
  // position of the running extreme to `index` (the last among ties; a NaN sticks).
  void (*scan)(ScanOp op, DType dtype, void* out, int64_t* index, const void* x, int64_t outer, int64_t D,
               int64_t inner, bool reverse);
  // dx of cumprod from grad g, the input x and the output y (zeros in x handled exactly).
  void (*cumprod_backward)(DType dtype, void* dx, const void* g, const void* x, const void* y, int64_t outer,
                           int64_t D, int64_t inner);
  // dx[j] = sum_{k >= j} g[k] exp(x[j] - y[k]) of logcumsumexp, in log space (no overflow).
  void (*logcumsumexp_backward)(DType dtype, void* dx, const void* g, const void* x, const void* y,
                                int64_t outer, int64_t D, int64_t inner);
};
struct SortKernels {
  // Each row x[o, :, i] of contiguous x [outer, D, inner] sorted stably (ties keep their
  // order; NaN above +inf, so last ascending and first descending, as torch) into values and
  // int64 indices of the same layout.
  void (*sort)(DType dtype, void* values, int64_t* indices, const void* x, int64_t outer, int64_t D,
               int64_t inner, bool descending);
  // The k largest (or smallest) of each row, in order (largest first, or smallest first),
  // into values/indices [outer, k, inner].
  void (*topk)(DType dtype, void* values, int64_t* indices, const void* x, int64_t outer, int64_t D,
               int64_t inner, int64_t k, bool largest);
  // out[r, j] (int64, [rows, V]) = where values[r, j] goes in the ascending row r of seq
  // (seq + r * seq_row_stride, S long; stride 0: one row for all), NaN last: the first position
  // not below it, or with `right` the first above it.
  void (*searchsorted)(DType dtype, int64_t* out, const void* seq, int64_t seq_row_stride, int64_t S,
                       const void* values, int64_t rows, int64_t V, bool right);
  // The most frequent value of each row x[o, :, i] into values/indices [outer, inner]: among
  // equally frequent values the smallest, and the last position it holds (torch's); NaNs are
  // all distinct (NaN != NaN).
  void (*mode)(DType dtype, void* values, int64_t* indices, const void* x, int64_t outer, int64_t D,
               int64_t inner);
};
struct MatmulKernels {
  // C[M,N] = alpha * op(A) op(B) + beta * C, row-major with leading dims; batched with
  // element strides between matrices (0 broadcasts).
  void (*gemm)(DType dtype, bool trans_a, bool trans_b, int64_t batch, int64_t M, int64_t N, int64_t K,
               double alpha, const void* A, int64_t lda, int64_t stride_a, const void* B, int64_t ldb,
               int64_t stride_b, double beta, void* C, int64_t ldc, int64_t stride_c);
};

// Batches of contiguous row-major matrices (kernels/cpu/linalg.cpp has the shapes). The ones
// that can fail return the first failing matrix's batch index, or -1.
struct LinalgKernels {
  // det, its sign and log|det| of each a [n, n] (LU with partial pivoting).
  void (*det)(DType dtype, const void* a, int64_t batch, int64_t n, void* det, void* sign, void* logabs);
  // x [n, k] = a^-1 b; fails on an exact zero pivot (x is written all the same).
  int64_t (*solve)(DType dtype, void* x, const void* a, const void* b, int64_t batch, int64_t n, int64_t k);
  // x [n, k] = a^-1 b for a triangular a (the other triangle not read; unit: 1 on the diagonal).
  void (*solve_triangular)(DType dtype, void* x, const void* a, const void* b, int64_t batch, int64_t n,
                           int64_t k, bool upper, bool unit);
  // l [n, n] lower with l l^T = a (a's lower triangle read); fails where a is not positive-definite.
  int64_t (*cholesky)(DType dtype, void* l, const void* a, int64_t batch, int64_t n);
  // a [m, n] = q [m, mq] r [mq, n], mq = m (complete) or min(m, n); q null: r only.
  void (*qr)(DType dtype, void* q, void* r, const void* a, int64_t batch, int64_t m, int64_t n,
             bool complete);
  // a [m, n] = u [m, ku] diag(s [k]) vh [kv, n], s descending, k = min(m, n), ku/kv = m/n (full) or
  // k; u and vh null: values only. Fails on non-finite input.
  int64_t (*svd)(DType dtype, void* u, void* s, void* vh, const void* a, int64_t batch, int64_t m, int64_t n,
                 bool full);
  // Eigenvalues w [n] ascending and eigenvectors (columns of v [n, n]; null: values only) of the
  // symmetric matrix a's lower triangle describes. Fails on non-finite input.
  int64_t (*eigh)(DType dtype, void* w, void* v, const void* a, int64_t batch, int64_t n);
};

struct IndexKernels {
  // Along a dim of x viewed as [outer, D, inner]:
  // gather:         out[o, j, i] = x[o, idx[o, j, i], i]        (idx, out: [outer, J, inner])
  // scatter_reduce: out[o, idx[o, j, i], i] = op(out[...], src[o, j, i]) in place, out
  //   [outer, D, inner]; counts (zeroed, like out) gets the number of src elements per slot.
  //   Without include_self a slot's first element replaces it; Mean divides by count +
  //   include_self at the end (ints floored); Assign: the last write wins.
  void (*gather)(DType dtype, void* out, const void* x, const int64_t* idx, int64_t outer, int64_t D,
                 int64_t J, int64_t inner);
  void (*scatter_reduce)(ScatterReduce op, DType dtype, void* out, int64_t* counts, const void* src,
                         const int64_t* idx, int64_t outer, int64_t D, int64_t J, int64_t inner,
                         bool include_self);
  // index_select: out[o, j, i] = x[o, idx[j], i];  index_add: out[o, idx[j], i] += src[o, j, i]
  void (*index_select)(DType dtype, void* out, const void* x, const int64_t* idx, int64_t outer, int64_t D,
                       int64_t J, int64_t inner);
  void (*index_add)(DType dtype, void* out, const void* src, const int64_t* idx, int64_t outer, int64_t D,
                    int64_t J, int64_t inner);
  // index_put: for j < n, dst[slice + offsets[j]] = src[slice + j * src_j] (+= with accumulate),
  // `g` one slice's geometry (operand 0: dst, 1: src); duplicates: last write wins / all add.
  void (*index_put)(DType dtype, const LoopGeom& g, void* dst, const int64_t* offsets, int64_t n,
                    const void* src, int64_t src_j, bool accumulate);
  // The first of idx[0..n) outside [0, size).
  BadIndex (*check_indices)(const int64_t* idx, int64_t n, int64_t size);
  // coords [n, k] (in place): a negative coordinate q wraps by size[q]; returns the first
  // outside [-size[q], size[q]) (pos = j * k + q; nothing is wrapped then).
  BadIndex (*wrap_coords)(int64_t* coords, int64_t n, const CoordDims& dims);
  // off[j] = sum_q coords[j, q] * stride[q]  (coords [n, k], already wrapped)
  void (*coord_offsets)(int64_t* off, const int64_t* coords, int64_t n, const CoordDims& dims);
  // The number of nonzero elements of contiguous x [n] (bool: true ones).
  int64_t (*count_nonzero)(DType dtype, const void* x, int64_t n);
  // out [count, ndim]: the coordinates (in `shape`, row-major) of x's nonzero elements in order;
  // ndim 1 with shape {n} gives flat positions.
  void (*nonzero)(DType dtype, const void* x, int64_t n, const int64_t* shape, int ndim, int64_t* out);
};

struct RandomKernels {
  // Counter-based streams: element i of a call draws from (seed, offset + i), so a result does
  // not depend on the threads.
  void (*uniform)(DType dtype, void* out, int64_t n, double lo, double hi, uint64_t seed, uint64_t offset);
  void (*normal)(DType dtype, void* out, int64_t n, double mean, double std, uint64_t seed, uint64_t offset);
  // out[n]: a uniform random permutation of 0..n-1 (Fisher-Yates, n counters).
  void (*randperm)(int64_t* out, int64_t n, uint64_t seed, uint64_t offset);
  // out [rows, n]: category draws from the weights p [rows, K] (row r takes the counters from
  // offset + r * (replacement ? n : K)). Returns the first bad row (pos) and why (value 0: a
  // negative or non-finite weight, 1: all zero, 2: fewer than n nonzero without replacement).
  BadIndex (*multinomial)(DType dtype, int64_t* out, const void* p, int64_t rows, int64_t K, int64_t n,
                          bool replacement, uint64_t seed, uint64_t offset);
  // out[i] ~ Poisson(rate[i]), element i on its own stream from counter offset + i.
  void (*poisson)(DType dtype, void* out, const void* rate, int64_t n, uint64_t seed, uint64_t offset);
  // out[i] ~ Gamma(alpha[i], 1) (at least the dtype's smallest normal), its own stream like poisson.
  void (*standard_gamma)(DType dtype, void* out, const void* alpha, int64_t n, uint64_t seed,
                         uint64_t offset);
  // out[i] = d x[i] / d alpha[i] for draws x of Gamma(alpha, 1) (implicit reparameterization).
  void (*standard_gamma_grad)(DType dtype, void* out, const void* x, const void* alpha, int64_t n);
};

struct ActivationKernels {
  // Softmax (or log-softmax) of contiguous x viewed as [outer, D, inner], over D.
  void (*softmax)(DType dtype, bool log, void* out, const void* x, int64_t outer, int64_t D, int64_t inner);
  // dx from dy and the forward's output y, same views.
  void (*softmax_backward)(DType dtype, bool log, void* dx, const void* dy, const void* y, int64_t outer,
                           int64_t D, int64_t inner);
};

struct LossKernels {
  // out = l(x, t, aux) over a geometry of (out, x, t, aux). Bce checks x in [0, 1] first.
  KernelStatus (*pointwise_loss)(LossOp op, DType dtype, const LoopGeom& g, void* out, const void* x,
                                 const void* t, const void* aux, double p);
  // d = scale * grad * dl/d(wrt) over a geometry of (d, grad, x, t, aux).
  void (*pointwise_loss_backward)(LossOp op, LossWrt wrt, DType dtype, const LoopGeom& g, void* d,
                                  const void* grad, const void* x, const void* t, const void* aux, double p,
                                  double scale);
  // NLL over contiguous logp [N, C, inner], target [N, inner], weight [C] (may be null):
  // out[n, i] = -w[t] logp[n, t, i] (0 where t == ignore_index; out may be null), sums[0] the
  // sum of the losses, sums[1] the sum of the weights. Returns the first target outside
  // [0, C) (not ignore_index; its flat position and value); nothing is written then.
  BadIndex (*nll_loss)(DType dtype, void* out, double* sums, const void* logp, const int64_t* target,
                       const void* weight, int64_t N, int64_t C, int64_t inner, int64_t ignore_index);
  // dx (zeroed, [N, C, inner]) [n, t, i] = -w[t] * scale * grad[(n * inner + i) * grad_stride]
  // (grad_stride 0: one gradient for all, a reduced loss's).
  void (*nll_loss_backward)(DType dtype, void* dx, const void* grad, int64_t grad_stride, double scale,
                            const int64_t* target, const void* weight, int64_t N, int64_t C, int64_t inner,
                            int64_t ignore_index);
};

struct OptimKernels {
  // One SGD step over n contiguous elements: p, its gradient g, its momentum buffer (null
  // without momentum).
  void (*sgd_update)(DType dtype, int64_t n, void* p, const void* g, void* buf, const SgdParams& hp);
};

struct KernelTable {
  ElementwiseKernels elementwise;
  ReduceKernels reduce;
  ScanKernels scan;
  SortKernels sort;
  MatmulKernels matmul;
  LinalgKernels linalg;
  IndexKernels index;
  RandomKernels random;
  ActivationKernels activation;
  LossKernels loss;
  OptimKernels optim;
};

// The table of `device`; for the CPU, the one of the capability in use (tetragrad/cpu.h).
const KernelTable& kernels(Device device);

}  // namespace tg
