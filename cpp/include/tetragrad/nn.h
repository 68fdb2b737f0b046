// Layers for C++ users (the Python layers are Python classes calling the same functional
// ops): Module with named parameters, Linear, Sequential and the common activations.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tetragrad/functional.h"

namespace tg::nn {

class Module {
 public:
  virtual ~Module() = default;
  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }

  // Own parameters first, then each child's as "child.name", as torch names them.
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  TensorList parameters() const;
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  void zero_grad(bool set_to_none = true);

 protected:
  Tensor register_parameter(std::string name, Tensor t);
  template <class M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> m) {
    children_.emplace_back(std::move(name), m);
    return m;
  }

 private:
  std::vector<std::pair<std::string, Tensor>> params_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// y = x W^T + b; W [out, in] and b [out] start as U(-1/sqrt(in), 1/sqrt(in)), torch's default.
class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) override { return linear(x, weight, bias); }
  Tensor weight, bias;
};

// A parameter-free layer from a function (ReLU, Tanh, Sigmoid, GELU ...).
class Lambda : public Module {
 public:
  explicit Lambda(std::function<Tensor(const Tensor&)> f) : f_(std::move(f)) {}
  Tensor forward(const Tensor& x) override { return f_(x); }

 private:
  std::function<Tensor(const Tensor&)> f_;
};
inline std::shared_ptr<Module> ReLU() {
  return std::make_shared<Lambda>([](const Tensor& x) { return relu(x); });
}
inline std::shared_ptr<Module> Tanh() {
  return std::make_shared<Lambda>([](const Tensor& x) { return tanh(x); });
}
inline std::shared_ptr<Module> Sigmoid() {
  return std::make_shared<Lambda>([](const Tensor& x) { return sigmoid(x); });
}

class Dropout : public Module {
 public:
  explicit Dropout(double p = 0.5) : p_(p) {}
  Tensor forward(const Tensor& x) override { return dropout(x, p_, is_training()); }

 private:
  double p_;
};

// Children named "0", "1", ... applied in order.
class Sequential : public Module {
 public:
  Sequential() = default;
  Sequential(std::initializer_list<std::shared_ptr<Module>> layers);
  void push_back(std::shared_ptr<Module> layer);
  Tensor forward(const Tensor& x) override;

 private:
  std::vector<std::shared_ptr<Module>> layers_;
};

}  // namespace tg::nn
