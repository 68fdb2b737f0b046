// CPU loss kernels: elementwise losses (MSE, L1, BCE, BCE with logits) and NLL.
#include "kernels/common/loss_math.h"
#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {

namespace {
// out, x, t, aux: any geometry (LoopGeom over out, x, t, aux)
template <class T, class F>
void loss_loop(const LoopGeom& g, void* out, const void* x, const void* t, const void* aux, F f) {
  for_each_run<4>(g, {(char*)out, (char*)x, (char*)t, (char*)aux},
                  {sizeof(T), sizeof(T), sizeof(T), sizeof(T)},
                  [&](const std::array<char*, 4>& p, int64_t n, const std::array<int64_t, 4>& s) {
                    T* o = (T*)p[0];
                    const T *xp = (const T*)p[1], *tp = (const T*)p[2], *ap = (const T*)p[3];
                    for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(xp[i * s[1]], tp[i * s[2]], ap[i * s[3]]);
                  });
}
// d, grad, x, t, aux: any geometry; grad is usually a broadcast 0-d tensor (mean/sum reductions)
template <class T, class F>
void loss_grad_loop(const LoopGeom& g, void* d, const void* grad, const void* x, const void* t,
                    const void* aux, F f) {
  for_each_run<5>(g, {(char*)d, (char*)grad, (char*)x, (char*)t, (char*)aux},
                  {sizeof(T), sizeof(T), sizeof(T), sizeof(T), sizeof(T)},
                  [&](const std::array<char*, 5>& p, int64_t n, const std::array<int64_t, 5>& s) {
                    T* o = (T*)p[0];
                    const T *gp = (const T*)p[1], *xp = (const T*)p[2], *tp = (const T*)p[3],
                            *ap = (const T*)p[4];
                    for (int64_t i = 0; i < n; ++i)
                      o[i * s[0]] = f(gp[i * s[1]], xp[i * s[2]], tp[i * s[3]], ap[i * s[4]]);
                  });
}
}  // namespace

#define TG_LOSS_CASE(Name) \
  case LossOp::Name:       \
    return loss_loop<T>(g, out, x, t, aux, math::Name##Loss{{param}});
#define TG_LOSS_GRAD_CASE(Name) \
  case LossOp::Name:            \
    return loss_grad_loop<T>(g, d, grad, x, t, aux, math::Name##LossGrad{{wrt, param, scale}});

KernelStatus pointwise_loss(LossOp op, DType dtype, const LoopGeom& g, void* out, const void* x,
                            const void* t, const void* aux, double param) {
  KernelStatus status = KernelStatus::Ok;
  TG_DISPATCH_FLOAT(dtype, "pointwise_loss", [&] {
    using T = scalar_t;
    if (op == LossOp::Bce && any_of_operand<T>(g, 1, x, [](T v) { return !(v >= T(0) && v <= T(1)); })) {
      status = KernelStatus::InputOutOfRange;
      return;
    }
    switch (op) { TG_POINTWISE_LOSSES(TG_LOSS_CASE) }
  });
  return status;
}

void pointwise_loss_backward(LossOp op, LossWrt wrt, DType dtype, const LoopGeom& g, void* d,
                             const void* grad, const void* x, const void* t, const void* aux, double param,
                             double scale) {
  TG_DISPATCH_FLOAT(dtype, "pointwise_loss_backward", [&] {
    using T = scalar_t;
    switch (op) { TG_POINTWISE_LOSSES(TG_LOSS_GRAD_CASE) }
  });
}

#undef TG_LOSS_CASE
#undef TG_LOSS_GRAD_CASE

// logp: [N, C, inner], target: [N, inner], weight: [C] or null, out: [N, inner] or null
BadIndex nll_loss(DType dtype, void* out, double* sums, const void* logp, const int64_t* target,
                  const void* weight, int64_t N, int64_t C, int64_t inner, int64_t ignore_index) {
  const int64_t M = N * inner;
  for (int64_t k = 0; k < M; ++k)
    if (target[k] != ignore_index && (target[k] < 0 || target[k] >= C)) return {k, target[k]};
  TG_DISPATCH_FLOAT(dtype, "nll_loss", [&] {
    using T = scalar_t;
    const T* lp = (const T*)logp;
    const T* w = (const T*)weight;
    T* o = (T*)out;
    double loss = 0, wsum = 0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t k = n * inner + i, c = target[k];
        T l = 0, wc = 0;
        if (c != ignore_index) {
          wc = w ? w[c] : T(1);
          l = -wc * lp[(n * C + c) * inner + i];
        }
        if (o) o[k] = l;
        loss += double(l);
        wsum += double(wc);
      }
    sums[0] = loss;
    sums[1] = wsum;
  });
  return {};
}

// dx: [N, C, inner] (zeroed by the caller), grad: [N, inner] (grad_stride 1) or [1] (0),
// target: [N, inner]
void nll_loss_backward(DType dtype, void* dx, const void* grad, int64_t grad_stride, double scale,
                       const int64_t* target, const void* weight, int64_t N, int64_t C, int64_t inner,
                       int64_t ignore_index) {
  TG_DISPATCH_FLOAT(dtype, "nll_loss_backward", [&] {
    using T = scalar_t;
    T* gx = (T*)dx;
    const T* g = (const T*)grad;
    const T* w = (const T*)weight;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t k = n * inner + i, c = target[k];
        if (c == ignore_index) continue;
        const T gk = g[k * grad_stride];
        gx[(n * C + c) * inner + i] = -(w ? w[c] : T(1)) * gk * T(scale);
      }
  });
}

void fill(LossKernels& k) {
  k.pointwise_loss = pointwise_loss;
  k.pointwise_loss_backward = pointwise_loss_backward;
  k.nll_loss = nll_loss;
  k.nll_loss_backward = nll_loss_backward;
}

}  // namespace TG_KERNEL_NAMESPACE
