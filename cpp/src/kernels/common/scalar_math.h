// The one home of the scalar helpers the per-element math shares (unary, activation and loss
// functors): float32 goes through the vectorisable kernels of fast_math.h, float64 through the
// C library. A formula that needs exp, tanh or a sigmoid calls these, so every op rounds alike.
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
TG_HD inline T log_of(T x) {
  if constexpr (std::is_same_v<T, float>)
    return fast_logf(x);
  else
    return std::log(x);
}
template <class T>
TG_HD inline T tanh_of(T x) {
  if constexpr (std::is_same_v<T, float>)
    return fast_tanhf(x);
  else
    return std::tanh(x);
}
template <class T>
TG_HD inline T sign_of(T x) {
  return T((T(0) < x) - (x < T(0)));
}
// 1 / (1 + e^-x), only ever exponentiating -|x| (no overflow); branch-free, to vectorise.
template <class T>
TG_HD inline T sigmoid_of(T x) {
  const T e = exp_of(x < T(0) ? x : -x);
  return (x < T(0) ? e : T(1)) / (T(1) + e);
}
// log(1 + e^x) without overflow: x + log1p(e^-x) for x > 0.
template <class T>
TG_HD inline T softplus_of(T x) {
  return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
// log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|), never exponentiating a positive number.
template <class T>
TG_HD inline T log_sigmoid_of(T x) {
  return (x < T(0) ? x : T(0)) - std::log1p(std::exp(-std::fabs(x)));
}

}  // namespace TG_KERNEL_NAMESPACE::math
