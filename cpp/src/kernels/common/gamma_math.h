// The Gamma distribution's per-element math, host+device: the regularized incomplete gamma
// function and the implicit reparameterization gradient of a Gamma(alpha, 1) draw.
#pragma once
#include <cmath>
#include <limits>

#include "kernels/common/kernel_namespace.h"
#include "kernels/common/unary_math.h"

namespace TG_KERNEL_NAMESPACE::math {

// P(a, x) = gamma(a, x) / Gamma(a) (lower = true) or Q = 1 - P, each from the side that keeps
// its digits: the power series below x = a + 1, Lentz's continued fraction above.
TG_HD inline double regularized_gamma(double a, double x, bool lower) {
  if (!(x > 0)) return lower ? 0.0 : 1.0;
  if (x == INFINITY) return lower ? 1.0 : 0.0;
  const double front = std::exp(a * std::log(x) - x - lgamma_of(a));
  if (x < a + 1) {
    double term = 1 / a, sum = term;
    for (int n = 1; n < 100000 && std::abs(term) > std::abs(sum) * 1e-17; ++n)
      term *= x / (a + n), sum += term;
    const double p = front * sum;
    return lower ? p : 1 - p;
  }
  constexpr double kTiny = 1e-300;
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = std::abs(d) < kTiny ? kTiny : d;
    c = b + an / c;
    c = std::abs(c) < kTiny ? kTiny : c;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1) < 1e-16) break;
  }
  const double q = front * h;
  return lower ? 1 - q : q;
}

// torch.special.gammainc / gammaincc, torch's edge rules: NaN for a < 0, x < 0 or NaN; at a = 0
// the limit (P = 1, Q = 0) for x > 0, NaN at x = 0; a = inf gives P = 0 (NaN when x = inf too).
TG_HD inline double incomplete_gamma(double a, double x, bool lower) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (!(a >= 0) || !(x >= 0)) return kNaN;
  if (a == 0) return x > 0 ? (lower ? 1.0 : 0.0) : kNaN;
  if (a == INFINITY) return x == INFINITY ? kNaN : (lower ? 0.0 : 1.0);
  return regularized_gamma(a, x, lower);
}
struct Gammainc {
  template <class T>
  TG_HD T operator()(T a, T x) const {
    return T(incomplete_gamma(double(a), double(x), true));
  }
};
struct Gammaincc {
  template <class T>
  TG_HD T operator()(T a, T x) const {
    return T(incomplete_gamma(double(a), double(x), false));
  }
};

// d x / d alpha for a draw x of Gamma(alpha, 1), holding the CDF fixed (implicit
// reparameterization): -(dP(alpha, x)/d alpha) / p(x; alpha). The alpha-derivative is a central
// difference of P (or Q, whichever is small there) with one Richardson step (error ~h^4).
TG_HD inline double standard_gamma_grad(double alpha, double x) {
  if (!(x > 0) || !(alpha > 0) || x == INFINITY) return 0;
  const bool lower = x < alpha + 1;
  auto dP = [&](double h) {
    return (regularized_gamma(alpha + h, x, lower) - regularized_gamma(alpha - h, x, lower)) / (2 * h);
  };
  const double h = 1e-3 * alpha;
  double deriv = (4 * dP(h / 2) - dP(h)) / 3;
  if (!lower) deriv = -deriv;  // dP = -dQ
  const double log_pdf = (alpha - 1) * std::log(x) - x - lgamma_of(alpha);
  return -deriv / std::exp(log_pdf);
}

}  // namespace TG_KERNEL_NAMESPACE::math
