// Per-element activation math (forward and backward), shared by the CPU loops and the CUDA
// grid loops. Forward functors take x; backward functors take (grad_out, saved) and return
// grad_in, where `saved` is the output for sigmoid/tanh/relu and the input otherwise, as in
// PyTorch's derivatives. Formulas follow PyTorch's exactly (GELU tanh constants included).
#pragma once
#include <cmath>
#include <type_traits>

#include "kernels/common/fast_math.h"

namespace TG_KERNEL_NAMESPACE::math {

template <class T>
TG_HD inline T exp_of(T x) {
  if constexpr (std::is_same_v<T, float>)
    return fast_expf(x);
  else
    return std::exp(x);
}
template <class T>
TG_HD inline T tanh_of(T x) {
  if constexpr (std::is_same_v<T, float>)
    return fast_tanhf(x);
  else
    return std::tanh(x);
}

constexpr double kSqrt1_2 = 0.70710678118654752440;      // 1/sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;   // 1/sqrt(2 pi)
constexpr double kSqrt2OverPi = 0.79788456080286535588;  // sqrt(2/pi)
constexpr double kGeluKappa = 0.044715;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

// log(1 + e^x) without overflow: x + log1p(e^-x) for x > 0.
template <class T>
TG_HD inline T softplus_of(T x) {
  return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
template <class T>
TG_HD inline T stable_sigmoid(T x) {
  const T e = std::exp(-std::fabs(x));
  return x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
}

// ---- forward --------------------------------------------------------------------------
struct LeakyRelu {
  double slope;
  template <class T>
  TG_HD T operator()(T x) const {
    return x > T(0) ? x : x * T(slope);
  }
};
// elu(x) = x for x > 0, alpha (e^x - 1) otherwise (expm1 keeps small x accurate).
struct Elu {
  double alpha;
  template <class T>
  TG_HD T operator()(T x) const {
    return x > T(0) ? x : T(alpha) * std::expm1(x);
  }
};
// gelu(x) = x Phi(x) = x/2 (1 + erf(x / sqrt 2))
struct Gelu {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(0.5) * x * (T(1) + std::erf(x * T(kSqrt1_2)));
  }
};
// gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
struct GeluTanh {
  template <class T>
  TG_HD T operator()(T x) const {
    const T inner = T(kSqrt2OverPi) * (x + T(kGeluKappa) * x * x * x);
    return T(0.5) * x * (T(1) + tanh_of(inner));
  }
};

// silu(x) = x sigmoid(x)
struct Silu {
  template <class T>
  TG_HD T operator()(T x) const {
    return x * stable_sigmoid(x);
  }
};
// softplus(x) = log(1 + e^(beta x)) / beta, the identity where beta x > threshold (torch).
struct Softplus {
  double beta, threshold;
  template <class T>
  TG_HD T operator()(T x) const {
    const T bx = x * T(beta);
    return bx > T(threshold) ? x : std::log1p(std::exp(bx)) / T(beta);
  }
};
// log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|)
struct LogSigmoid {
  template <class T>
  TG_HD T operator()(T x) const {
    return (x < T(0) ? x : T(0)) - std::log1p(std::exp(-std::fabs(x)));
  }
};
struct Selu {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(kSeluScale) * (x > T(0) ? x : T(kSeluAlpha) * std::expm1(x));
  }
};
// mish(x) = x tanh(softplus(x))
struct Mish {
  template <class T>
  TG_HD T operator()(T x) const {
    return x * std::tanh(softplus_of(x));
  }
};

// ---- backward: (grad_out, saved) -> grad_in ---------------------------------------------
struct SigmoidGrad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return g * (T(1) - y) * y;
  }
};
struct TanhGrad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return g * (T(1) - y * y);
  }
};
struct ReluGrad {  // saved: y (torch's threshold_backward on the result)
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return y <= T(0) ? T(0) : g;  // a NaN passes its gradient, as torch's
  }
};
struct LeakyReluGrad {  // saved: x
  double slope;
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return x > T(0) ? g : g * T(slope);
  }
};
struct EluGrad {  // saved: x
  double alpha;
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return x > T(0) ? g : g * T(alpha) * std::exp(x);  // NaN: NaN, as torch's vectorised loop
  }
};
struct GeluGrad {  // saved: x; d/dx x Phi(x) = Phi(x) + x phi(x)
  template <class T>
  TG_HD T operator()(T g, T x) const {
    const T cdf = T(0.5) * (T(1) + std::erf(x * T(kSqrt1_2)));
    const T pdf = T(kInvSqrt2Pi) * std::exp(T(-0.5) * x * x);
    return g * (cdf + x * pdf);
  }
};
struct GeluTanhGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    const T x2 = x * x;
    const T t = tanh_of(T(kSqrt2OverPi) * (x + T(kGeluKappa) * x2 * x));
    const T left = T(0.5) * x, right = T(1) + t;
    const T dinner = T(kSqrt2OverPi) * (T(1) + T(3 * kGeluKappa) * x2);
    return g * (T(0.5) * right + left * (T(1) - t * t) * dinner);
  }
};

struct SiluGrad {  // saved: x; d/dx x s(x) = s (1 + x (1 - s))
  template <class T>
  TG_HD T operator()(T g, T x) const {
    const T sg = stable_sigmoid(x);
    return g * sg * (T(1) + x * (T(1) - sg));
  }
};
struct SoftplusGrad {  // saved: x
  double beta, threshold;
  template <class T>
  TG_HD T operator()(T g, T x) const {
    const T bx = x * T(beta);
    return bx > T(threshold) ? g : g * stable_sigmoid(bx);
  }
};
struct LogSigmoidGrad {  // saved: x; d/dx log s(x) = 1 - s(x) = s(-x)
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * stable_sigmoid(-x);
  }
};
struct HardtanhGrad {  // saved: x; passes only strictly inside the bounds (NaN too gets 0: torch's vectorised
                       // loop)
  double lo, hi;
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return (x > T(lo) && x < T(hi)) ? g : T(0);
  }
};
struct SeluGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return x > T(0) ? g * T(kSeluScale) : g * T(kSeluScale * kSeluAlpha) * std::exp(x);
  }
};
struct MishGrad {  // saved: x; tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2)
  template <class T>
  TG_HD T operator()(T g, T x) const {
    const T t = std::tanh(softplus_of(x));
    return g * (t + x * stable_sigmoid(x) * (T(1) - t * t));
  }
};

}  // namespace TG_KERNEL_NAMESPACE::math
