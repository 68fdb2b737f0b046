// Per-element loss math (forward and gradients), shared by the CPU loops and the CUDA grid
// loops. Formulas follow PyTorch's (BCE clamps its logs at -100; BCE-with-logits goes
// through a stable log-sigmoid, so logits of +-1e4 give finite losses and gradients).
#pragma once
#include <cmath>

#include "kernels/common/scalar_math.h"
#include "kernels/kernels.h"

namespace TG_KERNEL_NAMESPACE::math {

template <class T>
TG_HD inline T clamped_log(T x) {  // BCE's log, clamped at -100 as PyTorch does
  const T l = std::log(x);
  return l < T(-100) ? T(-100) : l;
}
template <class T>
TG_HD inline T clamped_log1m(T x) {  // log(1 - x), clamped at -100
  const T l = std::log1p(-x);
  return l < T(-100) ? T(-100) : l;
}

// l(x, t, pw): pw is pos_weight for BceLogits (1 when absent), unused otherwise; p is
// SmoothL1's beta or Huber's delta.
struct PointwiseLoss {
  LossOp op;
  double p;
  template <class T>
  TG_HD T operator()(T x, T t, T pw) const {
    switch (op) {
      case LossOp::Mse:
        return (x - t) * (x - t);
      case LossOp::L1:
        return std::fabs(x - t);
      case LossOp::Bce:
        return (t - T(1)) * clamped_log1m(x) - t * clamped_log(x);
      case LossOp::BceLogits:
        return (T(1) - t) * x - ((pw - T(1)) * t + T(1)) * log_sigmoid_of(x);
      case LossOp::SmoothL1: {  // 0.5 d^2 / beta inside |d| < beta, |d| - beta / 2 outside
        const T d = std::fabs(x - t);
        return d < T(p) ? T(0.5) * d * d / T(p) : d - T(0.5 * p);
      }
      case LossOp::Huber: {  // 0.5 d^2 inside |d| < delta, delta (|d| - delta / 2) outside
        const T d = std::fabs(x - t);
        return d < T(p) ? T(0.5) * d * d : T(p) * (d - T(0.5 * p));
      }
    }
    return T(0);
  }
};

// scale * g * dl/d(wrt) at (x, t, pw). `scale` carries the 1/N of a mean reduction.
struct PointwiseLossGrad {
  LossOp op;
  LossWrt wrt;
  double p;
  double scale;
  template <class T>
  TG_HD T operator()(T g, T x, T t, T pw) const {
    const T gs = g * T(scale);
    switch (op) {
      case LossOp::Mse: {  // torch: (2 / N) (x - t) g
        const T d = T(2 * scale) * (x - t) * g;
        return wrt == LossWrt::Input ? d : -d;
      }
      case LossOp::L1: {
        const T s = sign_of(x - t) * gs;
        return wrt == LossWrt::Input ? s : -s;
      }
      case LossOp::Bce:
        if (wrt == LossWrt::Input) {  // torch: g (x - t) / max((1 - x) x, 1e-12)
          const T den = (T(1) - x) * x;
          return gs * (x - t) / (den > T(1e-12) ? den : T(1e-12));
        }
        return gs * (clamped_log1m(x) - clamped_log(x));
      case LossOp::BceLogits: {
        const T lw = (pw - T(1)) * t + T(1);
        if (wrt == LossWrt::Input) return gs * ((T(1) - t) - lw * (T(1) - sigmoid_of(x)));
        if (wrt == LossWrt::Target)  // torch's forms, which stay inf-free at x = +-inf
          return gs * (pw == T(1) ? -x : log_sigmoid_of(-x) - pw * log_sigmoid_of(x));
        return gs * (-t * log_sigmoid_of(x));  // d/d pos_weight
      }
      case LossOp::SmoothL1:
      case LossOp::Huber: {  // the slope is clipped to +-1 (SmoothL1) or +-delta (Huber)
        const T d = x - t;
        const T lim = T(p);
        T slope;
        if (op == LossOp::SmoothL1)
          slope = d <= -lim ? T(-1) : d >= lim ? T(1) : d / lim;
        else
          slope = d < -lim ? -lim : d > lim ? lim : d;
        if (op == LossOp::SmoothL1 && p == 0.0) slope = sign_of(d);
        return wrt == LossWrt::Input ? gs * slope : -gs * slope;
      }
    }
    return T(0);
  }
};

}  // namespace TG_KERNEL_NAMESPACE::math
