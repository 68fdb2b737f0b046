// Per-element optimizer updates, shared by the CPU loops and the CUDA grid loops.
#pragma once
#include "kernels/common/fast_math.h"
#include "kernels/kernels.h"

namespace TG_KERNEL_NAMESPACE::math {

// PyTorch's SGD, step by step as torch.optim.SGD computes it:
//   d = maximize ? -g : g;  d += weight_decay * p
//   momentum:  buf = first ? d : momentum * buf + (1 - dampening) * d
//              d = nesterov ? d + momentum * buf : buf
//   p -= lr * d
template <class T>
TG_HD inline void sgd_step(T& p, T g, T* buf, const SgdParams& hp) {
  T d = hp.maximize ? -g : g;
  if (hp.weight_decay != 0) d = d + T(hp.weight_decay) * p;
  if (hp.momentum != 0) {
    T b = hp.init_buffer ? d : *buf * T(hp.momentum) + T(1 - hp.dampening) * d;
    *buf = b;
    d = hp.nesterov ? d + T(hp.momentum) * b : b;
  }
  p = p + T(-hp.lr) * d;
}

}  // namespace TG_KERNEL_NAMESPACE::math
