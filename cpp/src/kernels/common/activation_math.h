// Per-element activation math, shared by the CPU loops and the CUDA grid loops: each entry of
// TG_ACTIVATION_OPS (pointwise_ops.h) has its forward functor math::<Name> (x) and backward
// math::<Name>Grad (grad_out, saved) -> grad_in side by side, `saved` being the input.
// Formulas follow PyTorch's exactly (GELU tanh constants included).
#pragma once
#include <cmath>
#include <type_traits>

#include "kernels/common/scalar_math.h"
#include "kernels/common/unary_math.h"

namespace TG_KERNEL_NAMESPACE::math {

constexpr double kSqrt1_2 = 0.70710678118654752440;      // 1/sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;   // 1/sqrt(2 pi)
constexpr double kSqrt2OverPi = 0.79788456080286535588;  // sqrt(2/pi)
constexpr double kGeluKappa = 0.044715;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

// ---- TG_ACTIVATION_OPS and the hand-written gelu/hardtanh entries: forward, backward ----
// ---- forward --------------------------------------------------------------------------
struct LeakyRelu {
  double slope;
  template <class T>
  TG_HD T operator()(T x) const {
    return x > T(0) ? x : x * T(slope);
  }
};
struct LeakyReluGrad {  // saved: x
  double slope;
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return x > T(0) ? g : g * T(slope);
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
struct EluGrad {  // saved: x
  double alpha;
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return x > T(0) ? g : g * T(alpha) * exp_of(x);  // NaN: NaN, as torch's vectorised loop
  }
};

struct Selu {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(kSeluScale) * (x > T(0) ? x : T(kSeluAlpha) * std::expm1(x));
  }
};
struct SeluGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return x > T(0) ? g * T(kSeluScale) : g * T(kSeluScale * kSeluAlpha) * exp_of(x);
  }
};

// gelu(x) = x Phi(x) = x/2 (1 + erf(x / sqrt 2))
struct Gelu {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(0.5) * x * (T(1) + std::erf(x * T(kSqrt1_2)));
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

// gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
struct GeluTanh {
  template <class T>
  TG_HD T operator()(T x) const {
    const T inner = T(kSqrt2OverPi) * (x + T(kGeluKappa) * x * x * x);
    return T(0.5) * x * (T(1) + tanh_of(inner));
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

// silu(x) = x sigmoid(x)
struct Silu {
  template <class T>
  TG_HD T operator()(T x) const {
    return x * sigmoid_of(x);
  }
};
struct SiluGrad {  // saved: x; d/dx x s(x) = s (1 + x (1 - s))
  template <class T>
  TG_HD T operator()(T g, T x) const {
    const T sg = sigmoid_of(x);
    return g * sg * (T(1) + x * (T(1) - sg));
  }
};

// mish(x) = x tanh(softplus(x))
struct Mish {
  template <class T>
  TG_HD T operator()(T x) const {
    return x * tanh_of(softplus_of(x));
  }
};
struct MishGrad {  // saved: x; tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2)
  template <class T>
  TG_HD T operator()(T g, T x) const {
    const T t = tanh_of(softplus_of(x));
    return g * (t + x * sigmoid_of(x) * (T(1) - t * t));
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
struct SoftplusGrad {  // saved: x
  double beta, threshold;
  template <class T>
  TG_HD T operator()(T g, T x) const {
    const T bx = x * T(beta);
    return bx > T(threshold) ? g : g * sigmoid_of(bx);
  }
};

// log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|)
struct LogSigmoid {
  template <class T>
  TG_HD T operator()(T x) const {
    return log_sigmoid_of(x);
  }
};
struct LogSigmoidGrad {  // saved: x; d/dx log s(x) = 1 - s(x) = s(-x)
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * sigmoid_of(-x);
  }
};

// hardtanh(x) = clamp(x, min_val, max_val), ints too (NaN stays NaN).
struct Hardtanh {
  double lo, hi;
  template <class T>
  TG_HD T operator()(T x) const {
    return Clamp{lo, hi}(x);
  }
};
// Passes only strictly inside the bounds (a NaN gets 0: torch's vectorised loop).
struct HardtanhGrad {  // saved: x
  double lo, hi;
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return (x > T(lo) && x < T(hi)) ? g : T(0);
  }
};

// hardswish(x) = x relu6(x + 3) / 6
struct Hardswish {
  template <class T>
  TG_HD T operator()(T x) const {
    const T r = x + T(3);
    return x * (r < T(0) ? T(0) : (r > T(6) ? T(6) : r)) / T(6);  // NaN: NaN
  }
};
struct HardswishGrad {  // saved: x; torch's: 0 up to -3, x/3 + 1/2 below 3, 1 from 3 on (NaN: 1)
  template <class T>
  TG_HD T operator()(T g, T x) const {
    if (x <= T(-3)) return T(0);
    if (x < T(3)) return g * (x / T(3) + T(0.5));
    return g;
  }
};

// hardsigmoid(x) = relu6(x + 3) / 6
struct Hardsigmoid {
  template <class T>
  TG_HD T operator()(T x) const {
    const T r = x + T(3);
    return (r < T(0) ? T(0) : (r > T(6) ? T(6) : r)) / T(6);
  }
};
// 1/6 strictly inside (-3, 3), 0 elsewhere and at NaN. The 1/6 is torch's float constant
// (1.0f / 6.0f) in float64 too, so gradients match torch's bit for bit (3e-8 off the exact).
struct HardsigmoidGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return (x > T(-3) && x < T(3)) ? g * T(1.0f / 6.0f) : T(0);
  }
};

}  // namespace TG_KERNEL_NAMESPACE::math
