// Optimizers with fused update loops (one pass over each parameter per step).
#pragma once
#include "tetragrad/autograd.h"

namespace tg::optim {

// torch.optim.SGD's hyper-parameters and defaults.
struct SGDOptions {
  double lr = 1e-3;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
  bool maximize = false;
};

// torch's checks of SGD's options (ValueError): lr, momentum and weight_decay >= 0, Nesterov
// only with a momentum and zero dampening. SGD's constructor runs them on its defaults.
void check_sgd_options(const SGDOptions& options);

// One SGD step, PyTorch's rule, for each parameter that has a gradient. `momentum_buffers`
// runs parallel to `params` (resized if shorter); an undefined buffer is created on the
// parameter's first step with momentum. The options are validated by SGD's constructor
// (as torch validates its defaults only, so a param group may deviate).
void sgd_step(const TensorList& params, TensorList& momentum_buffers, const SGDOptions& options);

// Set (or zero) the gradients of `params`.
void zero_grad(const TensorList& params, bool set_to_none = true);

class SGD {
 public:
  SGD(TensorList params, SGDOptions options);
  void step() { sgd_step(params_, momentum_buffers_, options_); }
  void zero_grad(bool set_to_none = true) { optim::zero_grad(params_, set_to_none); }
  SGDOptions& options() { return options_; }
  const TensorList& params() const { return params_; }
  const TensorList& momentum_buffers() const { return momentum_buffers_; }

 private:
  TensorList params_;
  TensorList momentum_buffers_;
  SGDOptions options_;
};

}  // namespace tg::optim
