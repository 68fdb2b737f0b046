// Matrix products. Transposed operands (e.g. w.t(), or the views backward makes) reach the
// GEMM as a transpose flag, not a copy.
#include "ops/common.h"
#include "tetragrad/functional.h"

namespace tg {

namespace {

struct MatLayout {
  bool trans = false;
  int64_t ld = 0;
  bool ok = true;
};

// How a [rows, cols] matrix with strides (s0, s1) is laid out for a row-major GEMM.
MatLayout layout(int64_t rows, int64_t cols, int64_t s0, int64_t s1) {
  if ((cols == 1 || s1 == 1) && (rows == 1 || s0 >= cols))
    return {false, rows == 1 ? std::max<int64_t>(cols, 1) : s0, true};
  if ((rows == 1 || s0 == 1) && (cols == 1 || s1 >= rows))
    return {true, cols == 1 ? std::max<int64_t>(rows, 1) : s1, true};
  return {false, 0, false};
}

void check_same_dtype(const Tensor& a, const Tensor& b, const char* op) {
  TG_CHECK(a.dtype() == b.dtype(), TypeError, op, ": expected both operands to have the same dtype, but got ",
           dtype_name(a.dtype()), " and ", dtype_name(b.dtype()), " (shapes ", a.shape(), " and ", b.shape(),
           ")");
  TG_CHECK(a.dtype() != DType::Bool, TypeError, op, ": not implemented for bool");
}

// A storage dtype (float16, bfloat16, the small integers) multiplies in its kernel dtype,
// accumulating there, and rounds into `out` once: `gemm(wide_out, wide_a, wide_b)` does the work.
template <class Gemm>
bool gemm_widened(Tensor& out, const Tensor& a, const Tensor& b, double beta, Gemm gemm) {
  if (!is_storage_only(out.dtype())) return false;
  const DType ct = kernel_dtype(out.dtype());
  Tensor wide = beta != 0.0 ? to_dtype(out.detach(), ct) : new_empty(out, out.shape(), ct);
  gemm(wide, to_dtype(a.detach(), ct), to_dtype(b.detach(), ct));
  const LoopGeom g = make_geom(out.shape(), {&out, &wide});
  kernels(out.device()).elementwise.copy(out.dtype(), ct, g, out.raw_data(), wide.raw_data());
  return true;
}

// out[batch, M, N] (contiguous) = alpha * a[batch, M, K] @ b[batch, K, N] + beta * out.
// Batch stride 0 broadcasts an operand.
void gemm_raw(Tensor& out, const Tensor& a_in, const Tensor& b_in, int64_t batch, int64_t sa, int64_t sb,
              double alpha, double beta) {
  const int64_t M = a_in.size(-2), K = a_in.size(-1), N = b_in.size(-1);
  if (gemm_widened(out, a_in, b_in, beta, [&](Tensor& o, const Tensor& a, const Tensor& b) {
        // the widened copies are contiguous: a broadcast operand keeps stride 0
        gemm_raw(o, a, b, batch, batch > 1 && sa != 0 ? M * K : sa, batch > 1 && sb != 0 ? K * N : sb, alpha,
                 beta);
      }))
    return;
  Tensor a = a_in, b = b_in;
  MatLayout la = layout(M, K, a.stride(-2), a.stride(-1));
  MatLayout lb = layout(K, N, b.stride(-2), b.stride(-1));
  if (!la.ok) {
    a = contiguous(a.detach());
    la = layout(M, K, a.stride(-2), a.stride(-1));
    if (batch > 1 && sa != 0) sa = M * K;
  }
  if (!lb.ok) {
    b = contiguous(b.detach());
    lb = layout(K, N, b.stride(-2), b.stride(-1));
    if (batch > 1 && sb != 0) sb = K * N;
  }
  if (out.numel() == 0) return;
  kernels(out.device())
      .matmul.gemm(out.dtype(), la.trans, lb.trans, batch, M, N, K, alpha, a.raw_data(), la.ld, sa,
                   b.raw_data(), lb.ld, sb, beta, out.raw_data(), N, M * N);
}

// out[M, N] = a[M, K] @ w[N, K]^T + beta * out: w^T is read in place (its transpose flag
// flipped), with no view or copy made on the hot path of a linear layer.
void gemm_abt(Tensor& out, const Tensor& a_in, const Tensor& w_in, double beta) {
  if (gemm_widened(out, a_in, w_in, beta,
                   [&](Tensor& o, const Tensor& a, const Tensor& w) { gemm_abt(o, a, w, beta); }))
    return;
  Tensor a = a_in, w = w_in;
  const int64_t M = a.size(0), K = a.size(1), N = w.size(0);
  MatLayout la = layout(M, K, a.stride(0), a.stride(1));
  MatLayout lw = layout(N, K, w.stride(0), w.stride(1));
  if (!la.ok) {
    a = contiguous(a.detach());
    la = layout(M, K, a.stride(0), a.stride(1));
  }
  if (!lw.ok) {
    w = contiguous(w.detach());
    lw = layout(N, K, w.stride(0), w.stride(1));
  }
  if (out.numel() == 0) return;
  kernels(out.device())
      .matmul.gemm(out.dtype(), la.trans, !lw.trans, 1, M, N, K, 1.0, a.raw_data(), la.ld, 0, w.raw_data(),
                   lw.ld, 0, beta, out.raw_data(), N, M * N);
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) {
  TG_CHECK(a.dim() == 2 && b.dim() == 2, ValueError, "mm: expected 2-D tensors, got shapes ", a.shape(),
           " and ", b.shape());
  check_same_dtype(a, b, "mm");
  TG_CHECK(a.size(1) == b.size(0), ValueError, "mm: mat1 and mat2 shapes cannot be multiplied (", a.shape(),
           " and ", b.shape(), ")");
  Tensor out = new_empty(a, {a.size(0), b.size(1)}, a.dtype());
  gemm_raw(out, a, b, 1, 0, 0, 1.0, 0.0);
  if (needs_grad({&a, &b}))
    record(out, "MmBackward0", {&a, &b}, {a, b},
           [](const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             return {n.needs(0) ? mm(g, matrix_t(s[1])) : Tensor(),
                     n.needs(1) ? mm(matrix_t(s[0]), g) : Tensor()};
           });
  return out;
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  TG_CHECK(a.dim() == 3 && b.dim() == 3, ValueError, "bmm: expected 3-D tensors, got shapes ", a.shape(),
           " and ", b.shape());
  check_same_dtype(a, b, "bmm");
  TG_CHECK(a.size(0) == b.size(0) && a.size(2) == b.size(1), ValueError,
           "bmm: batch sizes or inner dims do not match (shapes ", a.shape(), " and ", b.shape(), ")");
  Tensor out = new_empty(a, {a.size(0), a.size(1), b.size(2)}, a.dtype());
  const int64_t B = a.size(0);
  gemm_raw(out, a, b, B, B > 1 ? a.stride(0) : 0, B > 1 ? b.stride(0) : 0, 1.0, 0.0);
  if (needs_grad({&a, &b}))
    record(out, "BmmBackward0", {&a, &b}, {a, b},
           [](const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             return {n.needs(0) ? bmm(g, transpose(s[1], 1, 2)) : Tensor(),
                     n.needs(1) ? bmm(transpose(s[0], 1, 2), g) : Tensor()};
           });
  return out;
}

namespace {

// beta * bias + alpha * a @ b (a [B, M, K], b [B, K, N], or 2-D without the batch) as one node:
// out starts as bias broadcast, then the GEMM accumulates into it.
Tensor scaled_product(const char* op, const char* node, const Tensor& bias, const Tensor& a, const Tensor& b,
                      double beta, double alpha) {
  const bool batched = a.dim() == 3;
  check_same_dtype(a, b, op);
  const int64_t B = batched ? a.size(0) : 1;
  Shape shape{a.size(-2), b.size(-1)};
  if (batched) shape.insert(shape.begin(), B);
  Tensor out = new_empty(a, shape, a.dtype());
  // The bias shape is checked even when beta = 0 ignores its values (its gradient needs it).
  TG_CHECK(broadcasts_to(bias.shape(), shape), ValueError, op, ": input of shape ", bias.shape(),
           " cannot be broadcast to the product's shape ", shape);
  if (beta != 0.0) {
    NoGradGuard ng;
    copy_(out, bias);
  }
  if (alpha != 0.0) {
    gemm_raw(out, a, b, B, batched && B > 1 ? a.stride(0) : 0, batched && B > 1 ? b.stride(0) : 0, alpha,
             beta);
  } else {  // the product is ignored entirely (its NaNs too), as in torch
    NoGradGuard ng;
    if (beta == 0.0)
      zero_(out);
    else if (beta != 1.0)
      binary_(BinaryOp::Mul, out, wrap_scalar(beta));
  }
  if (needs_grad({&bias, &a, &b}))
    record(out, node, {&bias, &a, &b}, {a, b},
           [beta, alpha, bs = bias.shape(), bd = bias.dtype()](const Tensor& g, const TensorList& s,
                                                               const FunctionNode& n) -> TensorList {
             Tensor gbias, ga, gb;
             if (n.needs(0)) {
               gbias = sum_to(beta == 1.0 ? g : mul(g, wrap_scalar(beta)), bs);
               if (gbias.dtype() != bd) gbias = to_dtype(gbias, bd);
             }
             const Tensor ga_g = alpha == 1.0 ? g : mul(g, wrap_scalar(alpha));
             const bool batched = g.dim() == 3;
             auto mt = [](const Tensor& x) { return transpose(x, -2, -1); };
             if (n.needs(1)) ga = batched ? bmm(ga_g, mt(s[1])) : mm(ga_g, mt(s[1]));
             if (n.needs(2)) gb = batched ? bmm(mt(s[0]), ga_g) : mm(mt(s[0]), ga_g);
             return {gbias, ga, gb};
           });
  return out;
}

}  // namespace

Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b, double beta, double alpha) {
  TG_CHECK(a.dim() == 2 && b.dim() == 2, ValueError, "addmm: expected 2-D matrices, got shapes ", a.shape(),
           " and ", b.shape());
  TG_CHECK(a.size(1) == b.size(0), ValueError, "addmm: mat1 and mat2 shapes cannot be multiplied (",
           a.shape(), " and ", b.shape(), ")");
  return scaled_product("addmm", "AddmmBackward0", bias, a, b, beta, alpha);
}

namespace {
void check_batches(const char* op, const Tensor& b1, const Tensor& b2) {
  TG_CHECK(b1.dim() == 3 && b2.dim() == 3, ValueError, op, ": expected 3-D batches, got shapes ", b1.shape(),
           " and ", b2.shape());
  TG_CHECK(b1.size(0) == b2.size(0) && b1.size(2) == b2.size(1), ValueError, op,
           ": batch sizes or inner dims do not match (shapes ", b1.shape(), " and ", b2.shape(), ")");
}
}  // namespace

Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, double beta, double alpha) {
  check_batches("baddbmm", b1, b2);
  return scaled_product("baddbmm", "BaddbmmBackward0", input, b1, b2, beta, alpha);
}

Tensor addbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, double beta, double alpha) {
  check_batches("addbmm", b1, b2);
  // sum_b b1[b] @ b2[b] is one GEMM: [M, B*K] @ [B*K, N].
  const int64_t B = b1.size(0), M = b1.size(1), K = b1.size(2), N = b2.size(2);
  const Tensor a = reshape(permute(b1, {1, 0, 2}), {M, B * K}), b = reshape(b2, {B * K, N});
  return scaled_product("addbmm", "AddbmmBackward0", input, a, b, beta, alpha);
}

Tensor addmv(const Tensor& input, const Tensor& mat, const Tensor& vec, double beta, double alpha) {
  TG_CHECK(mat.dim() == 2 && vec.dim() == 1, ValueError, "addmv: expected a matrix and a vector, got shapes ",
           mat.shape(), " and ", vec.shape());
  TG_CHECK(mat.size(1) == vec.size(0), ValueError, "addmv: size mismatch, got mat (", mat.size(0), "x",
           mat.size(1), "), vec (", vec.size(0), ")");
  TG_CHECK(broadcasts_to(input.shape(), {mat.size(0)}), ValueError, "addmv: input of shape ", input.shape(),
           " cannot be broadcast to [", mat.size(0), "]");
  const Tensor bias = input.dim() == 1 ? unsqueeze(input, 1) : input;
  return reshape(scaled_product("addmv", "AddmvBackward0", bias, mat, unsqueeze(vec, 1), beta, alpha),
                 {mat.size(0)});
}

Tensor dot(const Tensor& a, const Tensor& b) {
  TG_CHECK(a.dim() == 1 && b.dim() == 1, ValueError, "dot: expected 1-D tensors, got shapes ", a.shape(),
           " and ", b.shape());
  TG_CHECK(a.size(0) == b.size(0), ValueError, "dot: inconsistent tensor size, expected tensor [", a.size(0),
           "] and src [", b.size(0), "] to have the same number of elements");
  check_same_dtype(a, b, "dot");
  return reshape(mm(unsqueeze(a, 0), unsqueeze(b, 1)), {});
}

Tensor mv(const Tensor& a, const Tensor& v) {
  TG_CHECK(a.dim() == 2 && v.dim() == 1, ValueError, "mv: expected a matrix and a vector, got shapes ",
           a.shape(), " and ", v.shape());
  TG_CHECK(a.size(1) == v.size(0), ValueError, "mv: size mismatch, got input (", a.size(0), "x", a.size(1),
           "), vec (", v.size(0), ")");
  check_same_dtype(a, v, "mv");
  return reshape(mm(a, unsqueeze(v, 1)), {a.size(0)});
}

Tensor outer(const Tensor& a, const Tensor& b) {
  TG_CHECK(a.dim() == 1 && b.dim() == 1, ValueError, "outer: expected 1-D tensors, got shapes ", a.shape(),
           " and ", b.shape());
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  TG_CHECK(a.dim() >= 1 && b.dim() >= 1, ValueError,
           "matmul: both arguments need to be at least 1D, but they are ", a.dim(), "D and ", b.dim(),
           "D (shapes ", a.shape(), " and ", b.shape(), ")");
  const int64_t K = a.size(-1);
  const int64_t Kb = b.dim() == 1 ? b.size(0) : b.size(-2);
  TG_CHECK(K == Kb, ValueError, "matmul: shapes ", a.shape(), " and ", b.shape(), " cannot be multiplied (",
           K, " vs ", Kb, ")");
  if (a.dim() == 1 && b.dim() == 1) return dot(a, b);
  if (a.dim() == 2 && b.dim() == 2) return mm(a, b);
  if (a.dim() == 1 && b.dim() == 2) return squeeze(mm(unsqueeze(a, 0), b), 0);
  if (a.dim() == 2 && b.dim() == 1) return squeeze(mm(a, unsqueeze(b, 1)), 1);
  check_same_dtype(a, b, "matmul");
  if (b.dim() <= 2) {
    // [..., M, K] @ [K, N]: fold the batch into M and run one GEMM.
    Shape out_shape(a.shape().begin(), a.shape().end() - 1);
    Tensor b2 = b.dim() == 1 ? unsqueeze(b, 1) : b;
    const int64_t rows = shape_numel(Shape(a.shape().begin(), a.shape().end() - 1));
    Tensor r = mm(reshape(a, {rows, K}), b2);
    if (b.dim() == 2) out_shape.push_back(b.size(1));
    return reshape(r, out_shape);
  }
  Tensor a3 = a.dim() == 1 ? unsqueeze(a, 0) : a;
  Tensor b3 = b;
  const int64_t M = a3.size(-2), N = b3.size(-1);
  Shape ba(a3.shape().begin(), a3.shape().end() - 2), bb(b3.shape().begin(), b3.shape().end() - 2);
  Shape batch;
  try {
    batch = broadcast_shapes(ba, bb, "matmul");
  } catch (const ValueError&) {
    throw ValueError(
        msg("matmul: batch dimensions of ", a.shape(), " and ", b.shape(), " cannot be broadcast together"));
  }
  Shape ea = batch, eb = batch;
  ea.push_back(M), ea.push_back(K);
  eb.push_back(K), eb.push_back(N);
  const int64_t B = shape_numel(batch);
  Tensor r = bmm(reshape(expand(a3, ea), {B, M, K}), reshape(expand(b3, eb), {B, K, N}));
  Shape out_shape = batch;
  if (a.dim() > 1) out_shape.push_back(M);
  out_shape.push_back(N);
  return reshape(r, out_shape);
}

// ---- linear -------------------------------------------------------------------------------
// x [*, in], weight [out, in], bias [out] -> [*, out], as one node: the GEMM reads weight
// transposed in place, and backward gives weight's gradient in weight's own layout.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  TG_CHECK(weight.dim() == 2, ValueError,
           "linear: weight must be 2-D [out_features, in_features], got shape ", weight.shape());
  const int64_t in = weight.size(1), out_f = weight.size(0);
  TG_CHECK(x.dim() >= 1 && x.size(-1) == in, ValueError, "linear: input has ", x.dim() ? x.size(-1) : 0,
           " features but weight expects ", in, " (input ", x.shape(), ", weight ", weight.shape(), ")");
  check_same_dtype(x, weight, "linear");
  if (bias.defined()) {
    TG_CHECK(bias.dim() == 1 && bias.size(0) == out_f, ValueError, "linear: bias of shape ", bias.shape(),
             " does not match weight ", weight.shape(), " (expected [", out_f, "])");
    check_same_dtype(x, bias, "linear");
  }
  Tensor x2 = x;
  if (x.dim() != 2) {
    NoGradGuard ng;
    x2 = reshape(x.detach(), {shape_numel(x.shape(), 0, x.dim() - 1), in});  // right for in == 0 too
  }
  Tensor out = Tensor::empty({x2.size(0), out_f}, x.dtype(), x.device());
  if (bias.defined() && out.numel() > 0) {  // out := bias (broadcast over rows), then += x W^T
    const LoopGeom g = make_geom(out.shape(), {&out, &bias});
    kernels(out.device()).elementwise.copy(out.dtype(), bias.dtype(), g, out.raw_data(), bias.raw_data());
  }
  gemm_abt(out, x2, weight, bias.defined() ? 1.0 : 0.0);
  if (x.dim() != 2) {
    Shape s = x.shape();
    s.back() = out_f;
    out = view(out, s);
  }
  if (needs_grad({&x, &weight, &bias}))
    record(
        out, "AddmmBackward0", {&x, &weight, &bias}, {x2, weight},
        [xs = x.shape(), out_f](const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
          const Tensor g2 =
              g.dim() == 2 ? g : reshape(g, {shape_numel(xs, 0, int64_t(xs.size()) - 1), out_f});
          Tensor gx, gw, gb;
          if (n.needs(0)) gx = reshape(mm(g2, s[1]), xs);
          if (n.needs(1)) gw = mm(matrix_t(g2), s[0]);
          if (n.needs(2)) gb = sum(g2, {0});
          return {gx, gw, gb};
        });
  return out;
}

}  // namespace tg
