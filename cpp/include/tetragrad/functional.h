// Neural-network functions (torch.nn.functional): activations, linear, dropout, losses.
// Each is one fused autograd node with its own backward kernel. sigmoid, tanh and relu
// live in ops.h with the other elementwise ops.
#pragma once
#include <string>

#include "tetragrad/ops.h"

namespace tg {

enum class Reduction { None, Mean, Sum };
// "none" / "mean" / "sum" -> Reduction; anything else is a ValueError naming `op`.
Reduction parse_reduction(const std::string& name, const char* op);

// ---- activations ----------------------------------------------------------------------
// leaky_relu(x, negative_slope = 0.01), elu(x, alpha = 1), selu, silu, mish,
// softplus(x, beta = 1, threshold = 20), log_sigmoid, hardswish, hardsigmoid: one per
// TG_ACTIVATION_OPS entry (pointwise_ops.h).
TG_ACTIVATION_OPS(TG_DECLARE_POINTWISE)
Tensor gelu(const Tensor& x, bool tanh_approximation = false);
Tensor hardtanh(const Tensor& x, double min_val = -1.0, double max_val = 1.0);  // relu6: (0, 6)
Tensor prelu(const Tensor& x, const Tensor& weight);  // weight [1] or [C] (dim 1 of x)
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);
// Max over groups of `pool_size` consecutive elements along `dim` (size k * pool_size -> k).
Tensor maxout(const Tensor& x, int64_t pool_size, int64_t dim = -1);

// ---- layers ---------------------------------------------------------------------------
// x [*, in], weight [out, in], bias [out] (may be undefined) -> [*, out]
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});
// Class indices (int64, any shape) -> one-hot int64 [..., num_classes]; -1: max + 1.
Tensor one_hot(const Tensor& indices, int64_t num_classes = -1);
// Inverted dropout: zeroes each element with probability p, scales the rest by 1/(1-p).
Tensor dropout(const Tensor& x, double p = 0.5, bool training = true);

// ---- losses (weights may be undefined) --------------------------------------------------
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                      double beta = 1.0);
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                  double delta = 1.0);
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                            Reduction reduction = Reduction::Mean);
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                                        Reduction reduction = Reduction::Mean, const Tensor& pos_weight = {});
// input log-probabilities [N, C, d...] / [C]; target class indices [N, d...] / [] (int64)
Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                int64_t ignore_index = -100, Reduction reduction = Reduction::Mean);
// input logits [N, C, d...] / [C]; target class indices (int64, as nll_loss) or class
// probabilities (floating, input's shape)
Tensor cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                     int64_t ignore_index = -100, Reduction reduction = Reduction::Mean,
                     double label_smoothing = 0.0);

}  // namespace tg
