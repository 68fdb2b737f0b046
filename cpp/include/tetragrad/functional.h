// Neural-network functions (torch.nn.functional): activations, distances, linear, dropout,
// losses. Most are one fused autograd node with its own backward kernel; softmin, kl_div and
// the distances are composites of tensor ops. sigmoid, tanh and relu live in ops.h.
#pragma once
#include <optional>
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
// softmax(-x) along dim; `dtype`: cast to it after the negation (an int input then works).
Tensor softmin(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
// Max over groups of `pool_size` consecutive elements along `dim` (size k * pool_size -> k).
Tensor maxout(const Tensor& x, int64_t pool_size, int64_t dim = -1);

// ---- distances (inputs broadcast) -----------------------------------------------------------
// x / max(||x||_p along dim, eps)
Tensor normalize(const Tensor& x, double p = 2.0, int64_t dim = 1, double eps = 1e-12);
Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, int64_t dim = 1, double eps = 1e-8);
// ||x1 - x2 + eps||_p over the last dim
Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p = 2.0, double eps = 1e-6,
                         bool keepdim = false);

// ---- layers ---------------------------------------------------------------------------
// x [*, in], weight [out, in], bias [out] (may be undefined) -> [*, out]
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});
// Class indices (int64, any shape) -> one-hot int64 [..., num_classes]; -1: max + 1.
Tensor one_hot(const Tensor& indices, int64_t num_classes = -1);
// Inverted dropout: zeroes each element with probability p, scales the rest by 1/(1-p).
Tensor dropout(const Tensor& x, double p = 0.5, bool training = true);

// ---- losses (weights may be undefined) --------------------------------------------------
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
// KL divergence, input log-probabilities, target probabilities (log-probabilities with
// log_target), same shapes: target (log target - input), 0 where target == 0; reduction
// "none", "sum", "mean" (over all elements) or "batchmean" (the sum / input.size(0)).
Tensor kl_div(const Tensor& input, const Tensor& target, const std::string& reduction = "mean",
              bool log_target = false);
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
