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

// One forward functor <Name>Loss (x, t, pw) -> l and one backward functor <Name>LossGrad
// (g, x, t, pw) -> scale * g * dl/d(wrt) per TG_POINTWISE_LOSSES entry (kernels.h), side by
// side. pw is BCE-with-logits' pos_weight (1 when absent), unused otherwise; p is SmoothL1's
// beta or Huber's delta; `scale` carries the 1/N of a mean reduction.
struct LossFwd {
  double p;
};
struct LossBwd {
  LossWrt wrt;
  double p;
  double scale;
};

struct MseLoss : LossFwd {
  template <class T>
  TG_HD T operator()(T x, T t, T) const {
    return (x - t) * (x - t);
  }
};
struct MseLossGrad : LossBwd {  // torch: (2 / N) (x - t) g
  template <class T>
  TG_HD T operator()(T g, T x, T t, T) const {
    const T d = T(2 * scale) * (x - t) * g;
    return wrt == LossWrt::Input ? d : -d;
  }
};

struct L1Loss : LossFwd {
  template <class T>
  TG_HD T operator()(T x, T t, T) const {
    return std::fabs(x - t);
  }
};
struct L1LossGrad : LossBwd {
  template <class T>
  TG_HD T operator()(T g, T x, T t, T) const {
    const T s = sign_of(x - t) * g * T(scale);
    return wrt == LossWrt::Input ? s : -s;
  }
};

struct BceLoss : LossFwd {
  template <class T>
  TG_HD T operator()(T x, T t, T) const {
    return (t - T(1)) * clamped_log1m(x) - t * clamped_log(x);
  }
};
struct BceLossGrad : LossBwd {
  template <class T>
  TG_HD T operator()(T g, T x, T t, T) const {
    const T gs = g * T(scale);
    if (wrt == LossWrt::Input) {  // torch: g (x - t) / max((1 - x) x, 1e-12)
      const T den = (T(1) - x) * x;
      return gs * (x - t) / (den > T(1e-12) ? den : T(1e-12));
    }
    return gs * (clamped_log1m(x) - clamped_log(x));
  }
};

struct BceLogitsLoss : LossFwd {
  template <class T>
  TG_HD T operator()(T x, T t, T pw) const {
    return (T(1) - t) * x - ((pw - T(1)) * t + T(1)) * log_sigmoid_of(x);
  }
};
struct BceLogitsLossGrad : LossBwd {
  template <class T>
  TG_HD T operator()(T g, T x, T t, T pw) const {
    const T gs = g * T(scale);
    const T lw = (pw - T(1)) * t + T(1);
    if (wrt == LossWrt::Input) return gs * ((T(1) - t) - lw * (T(1) - sigmoid_of(x)));
    if (wrt == LossWrt::Target)  // torch's forms, which stay inf-free at x = +-inf
      return gs * (pw == T(1) ? -x : log_sigmoid_of(-x) - pw * log_sigmoid_of(x));
    return gs * (-t * log_sigmoid_of(x));  // d/d pos_weight
  }
};

struct SmoothL1Loss : LossFwd {  // 0.5 d^2 / beta inside |d| < beta, |d| - beta / 2 outside
  template <class T>
  TG_HD T operator()(T x, T t, T) const {
    const T d = std::fabs(x - t);
    return d < T(p) ? T(0.5) * d * d / T(p) : d - T(0.5 * p);
  }
};
struct SmoothL1LossGrad : LossBwd {  // the slope clipped to +-1 (beta 0: the sign)
  template <class T>
  TG_HD T operator()(T g, T x, T t, T) const {
    const T d = x - t, lim = T(p);
    const T slope = p == 0.0 ? sign_of(d) : d <= -lim ? T(-1) : d >= lim ? T(1) : d / lim;
    const T gs = g * T(scale);
    return wrt == LossWrt::Input ? gs * slope : -gs * slope;
  }
};

struct HuberLoss : LossFwd {  // 0.5 d^2 inside |d| < delta, delta (|d| - delta / 2) outside
  template <class T>
  TG_HD T operator()(T x, T t, T) const {
    const T d = std::fabs(x - t);
    return d < T(p) ? T(0.5) * d * d : T(p) * (d - T(0.5 * p));
  }
};
struct HuberLossGrad : LossBwd {  // the slope clipped to +-delta
  template <class T>
  TG_HD T operator()(T g, T x, T t, T) const {
    const T d = x - t, lim = T(p);
    const T slope = d < -lim ? -lim : d > lim ? lim : d;
    const T gs = g * T(scale);
    return wrt == LossWrt::Input ? gs * slope : -gs * slope;
  }
};

}  // namespace TG_KERNEL_NAMESPACE::math
