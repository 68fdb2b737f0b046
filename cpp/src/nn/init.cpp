// torch.nn.init's formulas (tetragrad/init.h).
#include "tetragrad/init.h"

#include <cmath>

#include "tetragrad/errors.h"
#include "tetragrad/ops.h"

namespace tg::nn::init {

double calculate_gain(const std::string& nonlinearity, std::optional<double> param) {
  for (const char* linear : {"linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                             "conv_transpose3d", "sigmoid"})
    if (nonlinearity == linear) return 1.0;
  if (nonlinearity == "tanh") return 5.0 / 3.0;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") {
    const double slope = param.value_or(0.01);
    return std::sqrt(2.0 / (1.0 + slope * slope));
  }
  if (nonlinearity == "selu") return 3.0 / 4.0;
  throw ValueError("Unsupported nonlinearity " + nonlinearity);
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t) {
  TG_CHECK(t.dim() >= 2, ValueError,
           "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape ",
           t.shape(), ")");
  int64_t receptive = 1;
  for (int64_t d = 2; d < t.dim(); ++d) receptive *= t.size(d);
  return {t.size(1) * receptive, t.size(0) * receptive};
}

namespace {
int64_t fan(const Tensor& t, std::string mode) {
  for (char& c : mode) c = char(std::tolower(static_cast<unsigned char>(c)));
  TG_CHECK(mode == "fan_in" || mode == "fan_out", ValueError, "Mode ", mode,
           " not supported, please use one of fan_in, fan_out");
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return mode == "fan_in" ? fan_in : fan_out;
}
double kaiming_std(const Tensor& t, double a, const std::string& mode, const std::string& nonlinearity) {
  return calculate_gain(nonlinearity, a) / std::sqrt(double(fan(t, mode)));
}
}  // namespace

Tensor& uniform_(Tensor& t, double a, double b) {
  NoGradGuard ng;
  return tg::uniform_(t, a, b);
}
Tensor& normal_(Tensor& t, double mean, double std) {
  NoGradGuard ng;
  return tg::normal_(t, mean, std);
}
Tensor& constant_(Tensor& t, const Scalar& value) {
  NoGradGuard ng;
  return copy_(t, wrap_scalar(value));
}
Tensor& zeros_(Tensor& t) {
  NoGradGuard ng;
  return zero_(t);
}
Tensor& ones_(Tensor& t) { return constant_(t, Scalar(int64_t(1))); }

Tensor& xavier_uniform_(Tensor& t, double gain) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  const double a = std::sqrt(3.0) * gain * std::sqrt(2.0 / double(fan_in + fan_out));
  return init::uniform_(t, -a, a);
}
Tensor& xavier_normal_(Tensor& t, double gain) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return init::normal_(t, 0.0, gain * std::sqrt(2.0 / double(fan_in + fan_out)));
}

Tensor& kaiming_uniform_(Tensor& t, double a, const std::string& mode, const std::string& nonlinearity) {
  if (t.numel() == 0) return t;  // torch warns and leaves it (the Python layer warns)
  const double bound = std::sqrt(3.0) * kaiming_std(t, a, mode, nonlinearity);
  return init::uniform_(t, -bound, bound);
}
Tensor& kaiming_normal_(Tensor& t, double a, const std::string& mode, const std::string& nonlinearity) {
  if (t.numel() == 0) return t;
  return init::normal_(t, 0.0, kaiming_std(t, a, mode, nonlinearity));
}

void reset_linear_parameters(Tensor& weight, Tensor& bias) {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (!bias.defined()) return;
  const int64_t fan_in = calculate_fan_in_and_fan_out(weight).first;
  const double bound = fan_in > 0 ? 1.0 / std::sqrt(double(fan_in)) : 0.0;
  init::uniform_(bias, -bound, bound);
}

}  // namespace tg::nn::init
