// Products of several dims: einsum, tensordot, kron, cross, cdist. Each is a re-arrangement of
// views around the batched GEMM (bmm, mm) or a few elementwise ops, so autograd comes from
// those ops; cdist's Euclidean path alone records its own node (torch's gradient at zero
// distance is 0, where the formula's would be NaN).
#include <algorithm>
#include <array>
#include <cmath>

#include "ops/common.h"

namespace tg {

namespace {

constexpr int kLabels = 52;  // A-Z then a-z: torch's label order for implicit outputs

int label_id(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -1;
}
char label_char(int id) { return id < 26 ? char('A' + id) : char('a' + id - 26); }

constexpr int kEllipsis = -1;

// One operand's (or the output's) subscripts: label ids, kEllipsis where "..." stands.
std::vector<int> parse_subscripts(size_t begin, size_t end, const std::string& eq) {
  std::vector<int> out;
  bool ellipsis = false;
  for (size_t i = begin; i < end; ++i) {
    const char c = eq[i];
    if (c == ' ') continue;
    if (c == '.') {
      TG_CHECK(i + 2 < end && eq[i + 1] == '.' && eq[i + 2] == '.', ValueError,
               "einsum: found '.' that is not part of an ellipsis in \"", eq, "\"");
      TG_CHECK(!ellipsis, ValueError, "einsum: found more than one ellipsis ('...') in one subscript of \"",
               eq, "\"");
      ellipsis = true;
      out.push_back(kEllipsis);
      i += 2;
      continue;
    }
    TG_CHECK(label_id(c) >= 0, ValueError, "einsum: invalid subscript '", std::string(1, c), "' in \"", eq,
             "\": subscripts must be letters in [a-zA-Z]");
    out.push_back(label_id(c));
  }
  return out;
}

// sum over sum_dims of left * right, both of one rank (size 1 where a dim is absent), as one
// bmm: left -> [batch, left-only, summed], right -> [batch, summed, right-only]. The result
// keeps every dim (summed ones as size 1).
Tensor sum_product_pair(Tensor left, Tensor right, const std::vector<bool>& summed) {
  const int64_t R = left.dim();
  Dims lro, lo, ro, sum_dims;
  int64_t lro_n = 1, lo_n = 1, ro_n = 1, sum_n = 1;
  for (int64_t d = 0; d < R; ++d) {
    const bool l = left.size(d) != 1, r = right.size(d) != 1;
    if (summed[d]) {
      if (l && r) {
        sum_dims.push_back(d), sum_n *= left.size(d);
      } else if (l) {
        left = sum(left, {d}, true);
      } else if (r) {
        right = sum(right, {d}, true);
      }
    } else if (l && r) {
      lro.push_back(d), lro_n *= left.size(d);
    } else if (r) {
      ro.push_back(d), ro_n *= right.size(d);
    } else {
      lo.push_back(d), lo_n *= left.size(d);
    }
  }
  Dims lperm = lro, rperm = lro;
  lperm.insert(lperm.end(), lo.begin(), lo.end());
  lperm.insert(lperm.end(), sum_dims.begin(), sum_dims.end());
  rperm.insert(rperm.end(), sum_dims.begin(), sum_dims.end());
  rperm.insert(rperm.end(), ro.begin(), ro.end());
  // The dims of size 1 on a side go last in its permutation (the reshape drops them).
  Dims summed_away;  // summed but size 1 on one side at least (summed above, or absent)
  for (int64_t d = 0; d < R; ++d)
    if (summed[d] && std::find(sum_dims.begin(), sum_dims.end(), d) == sum_dims.end())
      summed_away.push_back(d);
  lperm.insert(lperm.end(), ro.begin(), ro.end());
  lperm.insert(lperm.end(), summed_away.begin(), summed_away.end());
  rperm.insert(rperm.end(), lo.begin(), lo.end());
  rperm.insert(rperm.end(), summed_away.begin(), summed_away.end());
  Tensor l3 = reshape(permute(left, lperm), {lro_n, lo_n, sum_n});
  Tensor r3 = reshape(permute(right, rperm), {lro_n, sum_n, ro_n});
  Tensor prod = bmm(l3, r3);
  // [lro..., lo..., ro...] back to the original dim order, summed dims as 1.
  Shape shape;
  Dims order;  // order[k] = original dim of the k-th dim of `shape`
  for (int64_t d : lro) shape.push_back(left.size(d)), order.push_back(d);
  for (int64_t d : lo) shape.push_back(left.size(d)), order.push_back(d);
  for (int64_t d = 0; d < R; ++d)
    if (summed[d]) shape.push_back(1), order.push_back(d);
  for (int64_t d : ro) shape.push_back(right.size(d)), order.push_back(d);
  Dims inverse(R);
  for (int64_t k = 0; k < R; ++k) inverse[order[k]] = k;
  return permute(reshape(prod, shape), inverse);
}

}  // namespace

Tensor einsum(const std::string& eq, const TensorList& ops) {
  TG_CHECK(!ops.empty(), ValueError, "einsum: must provide at least one operand");
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  // Split the inputs' subscripts at the commas.
  std::vector<std::vector<int>> subs;
  for (size_t b = 0;;) {
    const size_t e = lhs.find(',', b);
    subs.push_back(parse_subscripts(b, e == std::string::npos ? lhs.size() : e, eq));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  TG_CHECK(subs.size() == ops.size(), ValueError, "einsum: \"", eq, "\" has ", subs.size(),
           " operand subscript(s) but ", ops.size(), " operand(s) were given");
  for (const Tensor& t : ops) {
    TG_CHECK(t.dtype() == ops[0].dtype(), TypeError,
             "einsum: expected all operands to have the same dtype, got ", dtype_name(ops[0].dtype()),
             " and ", dtype_name(t.dtype()));
    TG_CHECK(t.device() == ops[0].device(), ValueError, "einsum: operands on different devices");
  }
  // The ellipsis' dims (right-aligned across operands) and each label's first appearance.
  int64_t ell_dims = 0;
  std::array<int, kLabels> count{}, first_seen{};
  first_seen.fill(-1);
  int n_labels = 0;
  std::array<int, kLabels> pos_of{};  // label -> its position after the ellipsis dims
  std::vector<int> label_at;          // and back
  for (size_t k = 0; k < ops.size(); ++k) {
    int64_t named = 0;
    bool has_ell = false;
    for (int l : subs[k]) {
      if (l == kEllipsis) {
        has_ell = true;
        continue;
      }
      ++named, ++count[l];
      if (first_seen[l] < 0) first_seen[l] = 1, pos_of[l] = n_labels++, label_at.push_back(l);
    }
    const int64_t nd = ops[k].dim();
    TG_CHECK(has_ell ? nd >= named : nd == named, ValueError, "einsum: the subscripts of operand ", k, " (",
             named, " label(s)", has_ell ? " and an ellipsis" : "", ") do not match its ", nd,
             " dim(s) (shape ", ops[k].shape(), ")");
    if (has_ell) ell_dims = std::max(ell_dims, nd - named);
  }
  const int64_t R = ell_dims + n_labels;
  // The output's positions, in order.
  Dims out_pos;
  if (arrow != std::string::npos) {
    const std::vector<int> o = parse_subscripts(arrow + 2, eq.size(), eq);
    std::array<bool, kLabels> used{};
    for (int l : o) {
      if (l == kEllipsis) {
        for (int64_t d = 0; d < ell_dims; ++d) out_pos.push_back(d);
        continue;
      }
      TG_CHECK(first_seen[l] >= 0, ValueError, "einsum: output subscript '", std::string(1, label_char(l)),
               "' does not appear in the equation for any input operand (\"", eq, "\")");
      TG_CHECK(!used[l], ValueError, "einsum: output subscript '", std::string(1, label_char(l)),
               "' appears more than once in the output (\"", eq, "\")");
      used[l] = true;
      out_pos.push_back(ell_dims + pos_of[l]);
    }
  } else {  // implicit: the ellipsis, then the labels seen once, in label order
    for (int64_t d = 0; d < ell_dims; ++d) out_pos.push_back(d);
    for (int l = 0; l < kLabels; ++l)
      if (count[l] == 1) out_pos.push_back(ell_dims + pos_of[l]);
  }
  // Each operand to rank R: repeated labels become their diagonal, dims go to their positions,
  // absent positions are size 1. present[k][p]: operand k has position p.
  std::vector<Tensor> ranked(ops.size());
  std::vector<std::vector<bool>> present(ops.size(), std::vector<bool>(R, false));
  std::vector<int64_t> size_of(R, 1);
  for (size_t k = 0; k < ops.size(); ++k) {
    Tensor x = ops[k];
    const int64_t nd = x.dim();
    const int64_t named = int64_t(subs[k].size()) - (std::count(subs[k].begin(), subs[k].end(), kEllipsis));
    const int64_t e = nd - named;
    std::vector<int64_t> pos;  // target position of each current dim
    for (int l : subs[k]) {
      if (l == kEllipsis) {
        for (int64_t d = 0; d < e; ++d) pos.push_back(ell_dims - e + d);
      } else {
        pos.push_back(ell_dims + pos_of[l]);
      }
    }
    for (bool again = true; again;) {  // a repeated label: its diagonal, moved to the end
      again = false;
      for (size_t i = 0; i < pos.size() && !again; ++i)
        for (size_t j = i + 1; j < pos.size() && !again; ++j)
          if (pos[i] == pos[j]) {
            TG_CHECK(x.size(int64_t(i)) == x.size(int64_t(j)), ValueError, "einsum: subscript '",
                     std::string(1, pos[i] >= ell_dims ? label_char(label_at[pos[i] - ell_dims]) : '.'),
                     "' is repeated for operand ", k, " but the sizes don't match, ", x.size(int64_t(i)),
                     " != ", x.size(int64_t(j)));
            x = diagonal(x, 0, int64_t(i), int64_t(j));
            const int64_t p = pos[i];
            pos.erase(pos.begin() + j), pos.erase(pos.begin() + i);
            pos.push_back(p);
            again = true;
          }
    }
    Dims perm(pos.size());
    for (size_t i = 0; i < perm.size(); ++i) perm[i] = int64_t(i);
    std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) { return pos[a] < pos[b]; });
    x = permute(x, perm);
    Shape shape(R, 1);
    for (size_t i = 0; i < perm.size(); ++i) {
      const int64_t p = pos[perm[i]], s = x.size(int64_t(i));
      shape[p] = s;
      present[k][p] = true;
      if (s != 1) {
        TG_CHECK(size_of[p] == 1 || size_of[p] == s, ValueError,
                 "einsum: operands do not broadcast: operand ", k, " (shape ", ops[k].shape(), ") has size ",
                 s, " where an earlier one has ", size_of[p], " (\"", eq, "\")");
        size_of[p] = s;
      }
    }
    ranked[k] = reshape(x, shape);  // inserts the size-1 dims: a view
  }
  std::vector<bool> in_out(R, false);
  for (int64_t p : out_pos) in_out[p] = true;
  Tensor result = ranked[0];
  for (size_t k = 1; k < ops.size(); ++k) {
    std::vector<bool> summed(R, false);
    for (int64_t p = 0; p < R; ++p) {
      if (in_out[p]) continue;
      bool later = false;
      for (size_t j = k + 1; j < ops.size(); ++j) later = later || present[j][p];
      summed[p] = !later;
    }
    result = sum_product_pair(result, ranked[k], summed);
  }
  Dims leftover;
  for (int64_t p = 0; p < R; ++p)
    if (!in_out[p] && result.size(p) != 1) leftover.push_back(p);
  if (!leftover.empty()) result = sum(result, leftover, true);
  Dims perm = out_pos;
  Shape out_shape;
  for (int64_t p : out_pos) out_shape.push_back(result.size(p));
  for (int64_t p = 0; p < R; ++p)
    if (!in_out[p]) perm.push_back(p);
  return reshape(permute(result, perm), out_shape);
}

Tensor tensordot(const Tensor& a, const Tensor& b, const Dims& dims_a, const Dims& dims_b) {
  TG_CHECK(dims_a.size() == dims_b.size(), ValueError,
           "tensordot: both dimension lists should have the same "
           "length, got ",
           dims_a.size(), " and ", dims_b.size());
  std::vector<bool> ca(a.dim(), false), cb(b.dim(), false);
  Dims pa, pb;
  int64_t C = 1;
  for (size_t i = 0; i < dims_a.size(); ++i) {
    const int64_t da = wrap_dim(dims_a[i], a.dim(), "tensordot"),
                  db = wrap_dim(dims_b[i], b.dim(), "tensordot");
    TG_CHECK(!ca[da] && !cb[db], ValueError, "tensordot: a dim is listed twice");
    TG_CHECK(a.size(da) == b.size(db), ValueError,
             "tensordot: contracted dimensions need to match, but first "
             "has size ",
             a.size(da), " in dim ", da, " and second has size ", b.size(db), " in dim ", db, " (shapes ",
             a.shape(), " and ", b.shape(), ")");
    ca[da] = cb[db] = true;
    pa.push_back(da), pb.push_back(db);
    C *= a.size(da);
  }
  Dims fa, fb;
  Shape out_shape;
  int64_t Fa = 1, Fb = 1;
  for (int64_t d = 0; d < a.dim(); ++d)
    if (!ca[d]) fa.push_back(d), out_shape.push_back(a.size(d)), Fa *= a.size(d);
  for (int64_t d = 0; d < b.dim(); ++d)
    if (!cb[d]) fb.push_back(d), out_shape.push_back(b.size(d)), Fb *= b.size(d);
  Dims perm_a = fa, perm_b = pb;
  perm_a.insert(perm_a.end(), pa.begin(), pa.end());
  perm_b.insert(perm_b.end(), fb.begin(), fb.end());
  TG_CHECK(a.dtype() == b.dtype(), TypeError,
           "tensordot: expected both operands to have the same dtype, got ", dtype_name(a.dtype()), " and ",
           dtype_name(b.dtype()));
  return reshape(mm(reshape(permute(a, perm_a), {Fa, C}), reshape(permute(b, perm_b), {C, Fb})), out_shape);
}

Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims) {
  TG_CHECK(dims >= 0, ValueError, "tensordot: expects dims >= 0, but got dims=", dims);
  TG_CHECK(dims <= a.dim() && dims <= b.dim(), ValueError, "tensordot: dims=", dims,
           " is more than the dims of the operands (shapes ", a.shape(), " and ", b.shape(), ")");
  Dims da, db;
  for (int64_t i = 0; i < dims; ++i) da.push_back(a.dim() - dims + i), db.push_back(i);
  return tensordot(a, b, da, db);
}

// (a [a0, a1, ...] (x) b [b0, b1, ...]) [a0*b0, a1*b1, ...]: a's dims interleaved with b's, one
// broadcast product, then merged (torch's way).
Tensor kron(const Tensor& a, const Tensor& b) {
  const int64_t nd = std::max(a.dim(), b.dim());
  Shape sa(nd - a.dim(), 1), sb(nd - b.dim(), 1);
  sa.insert(sa.end(), a.shape().begin(), a.shape().end());
  sb.insert(sb.end(), b.shape().begin(), b.shape().end());
  Shape ia, ib, out;
  for (int64_t d = 0; d < nd; ++d) {
    ia.push_back(sa[d]), ia.push_back(1);
    ib.push_back(1), ib.push_back(sb[d]);
    out.push_back(sa[d] * sb[d]);
  }
  return reshape(mul(reshape(a, ia), reshape(b, ib)), out);
}

Tensor cross(const Tensor& a, const Tensor& b, std::optional<int64_t> dim) {
  const Shape s = broadcast_shapes(a.shape(), b.shape(), "cross");
  int64_t d = 0;
  if (dim) {
    d = wrap_dim(*dim, int64_t(s.size()), "cross");
  } else {  // torch.cross's default: the first dim of size 3
    d = -1;
    for (size_t i = 0; i < s.size() && d < 0; ++i)
      if (s[i] == 3) d = int64_t(i);
    TG_CHECK(d >= 0, ValueError, "cross: no dimension of size 3 in input (shapes ", a.shape(), " and ",
             b.shape(), ")");
  }
  TG_CHECK(a.dim() == b.dim() || dim, ValueError, "cross: inputs must have the same number of dims, got ",
           a.shape(), " and ", b.shape());
  TG_CHECK(s[d] == 3 && a.size(d - int64_t(s.size()) + a.dim()) == 3 &&
               b.size(d - int64_t(s.size()) + b.dim()) == 3,
           ValueError, "linalg.cross: inputs dimension ", d, " must have length 3. Got ", a.shape(), " and ",
           b.shape());
  const Tensor x = expand(a, s), y = expand(b, s);
  auto c = [&](const Tensor& t, int64_t i) { return select(t, d, i); };
  return stack(
      {sub(mul(c(x, 1), c(y, 2)), mul(c(x, 2), c(y, 1))), sub(mul(c(x, 2), c(y, 0)), mul(c(x, 0), c(y, 2))),
       sub(mul(c(x, 0), c(y, 1)), mul(c(x, 1), c(y, 0)))},
      d);
}

Tensor cdist(const Tensor& x1, const Tensor& x2, double p) {
  TG_CHECK(x1.dim() >= 2 && x2.dim() >= 2, ValueError,
           "cdist: expected at least 2-D inputs [*, P, M] and "
           "[*, R, M], got shapes ",
           x1.shape(), " and ", x2.shape());
  TG_CHECK(x1.size(-1) == x2.size(-1), ValueError,
           "cdist: x1 and x2 must have the same number of columns, got ", x1.size(-1), " and ", x2.size(-1),
           " (shapes ", x1.shape(), " and ", x2.shape(), ")");
  TG_CHECK(p >= 0, ValueError, "cdist: only supports non-negative p values, got ", p);
  check_floating(x1, "cdist");
  TG_CHECK(x1.dtype() == x2.dtype(), TypeError, "cdist: expected both inputs to have the same dtype, got ",
           dtype_name(x1.dtype()), " and ", dtype_name(x2.dtype()));
  const int64_t P = x1.size(-2), R = x2.size(-2), M = x1.size(-1);
  Shape batch = broadcast_shapes(Shape(x1.shape().begin(), x1.shape().end() - 2),
                                 Shape(x2.shape().begin(), x2.shape().end() - 2), "cdist");
  Shape s1 = batch, s2 = batch;
  s1.push_back(P), s1.push_back(M), s2.push_back(R), s2.push_back(M);
  const Tensor a = expand(x1, s1), b = expand(x2, s2);
  // torch's choice: the GEMM form ||a||^2 + ||b||^2 - 2 a.b for p = 2 past 25 points a side,
  // the differences themselves otherwise (exact, but P*R*M memory).
  if (p != 2.0 || (P <= 25 && R <= 25)) return norm(sub(unsqueeze(a, -2), unsqueeze(b, -3)), p, {-1}, false);
  Tensor d;
  {
    NoGradGuard ng;
    const Tensor na = sum(mul(a, a), {-1}, true), nb = sum(mul(b, b), {-1}, true);
    d = sqrt(clamp(add(add(na, transpose(nb, -2, -1)), matmul(a, transpose(b, -2, -1)), Scalar(-2.0)), 0.0,
                   std::nullopt));
  }
  if (needs_grad({&x1, &x2}))
    record(d, "CdistBackward0", {&x1, &x2}, {a, b, d},
           [s1x = x1.shape(), s2x = x2.shape()](const Tensor& g, const TensorList& s,
                                                const FunctionNode& n) -> TensorList {
             // d dist_ij / d a_i = (a_i - b_j) / dist_ij, 0 at zero distance (torch's choice).
             const Tensor& dist = s[2];
             const Tensor ratio = where(compare(BinaryOp::Eq, dist, wrap_scalar(0.0)),
                                        new_zeros(dist, {}, dist.dtype()), div(g, dist));
             Tensor g1, g2;
             if (n.needs(0)) g1 = sum_to(sub(mul(s[0], sum(ratio, {-1}, true)), matmul(ratio, s[1])), s1x);
             if (n.needs(1))
               g2 = sum_to(
                   sub(mul(s[1], unsqueeze(sum(ratio, {-2}), -1)), matmul(transpose(ratio, -2, -1), s[0])),
                   s2x);
             return {g1, g2};
           });
  return d;
}

}  // namespace tg
