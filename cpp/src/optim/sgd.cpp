// SGD: validation and per-parameter dispatch to the fused update kernel.
#include "kernels/kernels.h"
#include "ops/common.h"
#include "tetragrad/optim.h"

namespace tg::optim {

void check_sgd_options(const SGDOptions& o) {
  TG_CHECK(o.lr >= 0.0, ValueError, "SGD: Invalid learning rate: ", o.lr);
  TG_CHECK(o.momentum >= 0.0, ValueError, "SGD: Invalid momentum value: ", o.momentum);
  TG_CHECK(o.weight_decay >= 0.0, ValueError, "SGD: Invalid weight_decay value: ", o.weight_decay);
  TG_CHECK(!o.nesterov || (o.momentum > 0.0 && o.dampening == 0.0), ValueError,
           "SGD: Nesterov momentum requires a momentum and zero dampening");
}

void sgd_step(const TensorList& params, TensorList& momentum_buffers, const SGDOptions& o) {
  if (momentum_buffers.size() < params.size()) momentum_buffers.resize(params.size());
  NoGradGuard ng;
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    Tensor g = p.grad();
    if (!g.defined()) continue;
    TG_CHECK(g.shape() == p.shape() && g.dtype() == p.dtype(), ValueError, "SGD: parameter ", i, " of shape ",
             p.shape(), " (", dtype_name(p.dtype()), ") has a gradient of shape ", g.shape(), " (",
             dtype_name(g.dtype()), ")");
    TG_CHECK(is_floating(p.dtype()), TypeError, "SGD: parameter ", i, " is not floating point (",
             dtype_name(p.dtype()), ")");
    // float16/bfloat16 update in float32 (parameter, gradient and buffer widened, rounded back once)
    const DType ct = kernel_dtype(p.dtype());
    const bool widened = ct != p.dtype();
    if (widened) g = to_dtype(g, ct);
    if (!g.is_contiguous()) g = contiguous(g);
    // a strided or widened parameter is updated via a copy
    Tensor target = widened ? to_dtype(p, ct) : p.is_contiguous() ? p : contiguous(p);
    SgdParams hp{o.lr, o.momentum, o.dampening, o.weight_decay, o.nesterov, o.maximize, false};
    Tensor& buf = momentum_buffers[i];
    if (o.momentum != 0.0 && !buf.defined()) {
      buf = Tensor::empty(p.shape(), p.dtype(), p.device());
      hp.init_buffer = true;
    }
    TG_CHECK(!buf.defined() || (buf.is_contiguous() && buf.shape() == p.shape() && buf.dtype() == p.dtype()),
             ValueError, "SGD: momentum buffer of parameter ", i, " has shape ", buf.shape(), ", expected ",
             p.shape());
    check_writable(p, "SGD.step");
    Tensor kbuf = widened && buf.defined() ? to_dtype(buf, ct) : buf;
    kernels(p.device())
        .optim.sgd_update(ct, p.numel(), target.raw_data(), g.raw_data(),
                          o.momentum != 0.0 ? kbuf.raw_data() : nullptr, hp);
    if (!kbuf.same(buf)) copy_(buf, kbuf);
    if (!target.same(p)) {
      Tensor dst = p;
      copy_(dst, target);
    } else {
      p.bump_version();
    }
  }
}

void zero_grad(const TensorList& params, bool set_to_none) {
  for (const Tensor& p : params) {
    Tensor g = p.grad();
    if (!g.defined()) continue;
    if (set_to_none) {
      Tensor(p).set_grad(Tensor());
    } else {
      NoGradGuard ng;
      zero_(g);
    }
  }
}

SGD::SGD(TensorList params, SGDOptions options) : params_(std::move(params)), options_(options) {
  check_sgd_options(options_);
}

}  // namespace tg::optim
