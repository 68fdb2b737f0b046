// Fit y = 3x - 2 with tetragrad's C++ API: tensors, autograd, a hand-written SGD step.
// Exits non-zero if the fit fails, so CI can run it as a test.
#include <tetragrad/tetragrad.h>

#include <cmath>
#include <cstdio>

int main() {
  using namespace tg;
  manual_seed(0);
  Tensor x = randn({256, 1});
  Tensor y = x * 3.0 - 2.0;

  Tensor w = zeros({1, 1}).set_requires_grad(true);
  Tensor b = zeros({1}).set_requires_grad(true);
  const double lr = 0.1;
  double loss_value = 0;
  for (int step = 0; step < 200; ++step) {
    Tensor pred = addmm(b, x, w);
    Tensor diff = pred - y;
    Tensor loss = mean(diff * diff);
    loss.backward();
    loss_value = loss.item();
    {
      NoGradGuard no_grad;  // the update is not part of the graph
      for (Tensor* p : {&w, &b}) {
        binary_(BinaryOp::Sub, *p, p->grad() * lr);
        p->set_grad(Tensor());
      }
    }
    if (step % 50 == 0) std::printf("step %3d  loss %.6f\n", step, loss_value);
  }
  const double wv = w.item(), bv = b.item();
  std::printf("w = %.4f (want 3), b = %.4f (want -2), loss = %.2e\n", wv, bv, loss_value);
  return std::fabs(wv - 3.0) < 1e-3 && std::fabs(bv + 2.0) < 1e-3 ? 0 : 1;
}
