// Embedding tetragrad in a C++ application: a 2-8-1 MLP learns XOR with nn::Sequential,
// mse_loss and optim::SGD with momentum. Exits non-zero if it fails, so CI runs it as a test.
#include <tetragrad/tetragrad.h>

#include <cstdio>
#include <memory>

int main() {
  using namespace tg;
  manual_seed(0);
  // Inputs [[0,0],[0,1],[1,0],[1,1]] from the bits of 0..3; XOR targets [0,1,1,0].
  const Tensor n = reshape(arange(0, 4, 1, DType::Float32), {4, 1});
  const Tensor bits = cat({floor_divide(n, wrap_scalar(2.0)), remainder(n, wrap_scalar(2.0))}, 1);
  const Tensor target = remainder(sum(bits, {1}, true), wrap_scalar(2.0));

  nn::Sequential model{std::make_shared<nn::Linear>(2, 8), nn::ReLU(), std::make_shared<nn::Linear>(8, 1)};
  optim::SGDOptions options;
  options.lr = 0.1;
  options.momentum = 0.9;
  optim::SGD opt(model.parameters(), options);

  double loss_value = 0;
  for (int step = 0; step < 500; ++step) {
    opt.zero_grad();
    Tensor loss = mse_loss(model(bits), target);
    loss.backward();
    opt.step();
    loss_value = loss.item();
    if (step % 100 == 0) std::printf("step %3d  loss %.6f\n", step, loss_value);
  }

  NoGradGuard no_grad;
  const Tensor pred = model(bits);
  int correct = 0;
  for (int64_t i = 0; i < 4; ++i) {
    const double a = select(select(bits, 0, i), 0, 0).item(), b = select(select(bits, 0, i), 0, 1).item();
    const double p = select(pred, 0, i).item(), t = select(target, 0, i).item();
    std::printf("%g xor %g = %g, predicted %.3f\n", a, b, t, p);
    correct += (p > 0.5) == (t > 0.5);
  }
  std::printf("accuracy %d/4, final loss %.2e\n", correct, loss_value);
  return correct == 4 ? 0 : 1;
}
