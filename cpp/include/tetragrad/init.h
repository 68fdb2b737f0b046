// torch.nn.init: the weight initialisers with PyTorch's formulas and defaults. Each fills its
// tensor in place from the global generator, without recording autograd, and returns it; the
// Python tetragrad.nn.init functions call these.
#pragma once
#include <optional>
#include <string>
#include <utility>

#include "tetragrad/scalar.h"
#include "tetragrad/tensor.h"

namespace tg::nn::init {

// The recommended gain for a nonlinearity: 1 for linear/conv*/sigmoid, 5/3 for tanh, sqrt(2)
// for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope `param`, default 0.01), 3/4 for
// selu; a ValueError for anything else.
double calculate_gain(const std::string& nonlinearity, std::optional<double> param = std::nullopt);
// (fan_in, fan_out) of a weight [out, in, *kernel]: in * prod(kernel), out * prod(kernel); a
// ValueError below 2 dims.
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t);

Tensor& uniform_(Tensor& t, double a = 0.0, double b = 1.0);
Tensor& normal_(Tensor& t, double mean = 0.0, double std = 1.0);
Tensor& constant_(Tensor& t, const Scalar& value);  // an int value stays exact for int tensors
Tensor& zeros_(Tensor& t);
Tensor& ones_(Tensor& t);
// Glorot: U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)); N(0, gain^2 2 / (fan_in + fan_out)).
Tensor& xavier_uniform_(Tensor& t, double gain = 1.0);
Tensor& xavier_normal_(Tensor& t, double gain = 1.0);
// He: U(-b, b), b = gain sqrt(3 / fan); N(0, gain^2 / fan); fan by `mode` ("fan_in" or
// "fan_out"), gain from `nonlinearity` with slope `a`. A zero-element tensor is left as is.
Tensor& kaiming_uniform_(Tensor& t, double a = 0.0, const std::string& mode = "fan_in",
                         const std::string& nonlinearity = "leaky_relu");
Tensor& kaiming_normal_(Tensor& t, double a = 0.0, const std::string& mode = "fan_in",
                        const std::string& nonlinearity = "leaky_relu");

// nn.Linear's (and the conv layers') default: kaiming_uniform_(weight, a = sqrt(5)), the bias
// (may be undefined) U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (0 bounds for fan_in 0), as torch's
// reset_parameters.
void reset_linear_parameters(Tensor& weight, Tensor& bias);

}  // namespace tg::nn::init
