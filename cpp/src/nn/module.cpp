// C++ layers: parameter registry, Linear, Sequential.
#include <cmath>

#include "tetragrad/init.h"
#include "tetragrad/nn.h"
#include "tetragrad/optim.h"

namespace tg::nn {

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  auto out = params_;
  for (const auto& [name, child] : children_)
    for (auto& [pname, p] : child->named_parameters()) out.emplace_back(name + "." + pname, p);
  return out;
}

TensorList Module::parameters() const {
  TensorList out;
  for (auto& np : named_parameters()) out.push_back(np.second);
  return out;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& c : children_) c.second->train(on);
}

void Module::zero_grad(bool set_to_none) { optim::zero_grad(parameters(), set_to_none); }

Tensor Module::register_parameter(std::string name, Tensor t) {
  if (t.defined()) {
    t.set_requires_grad(true);
    params_.emplace_back(std::move(name), t);
  }
  return t;
}

Linear::Linear(int64_t in_features, int64_t out_features, bool bias, DType dtype) {
  TG_CHECK(in_features >= 0 && out_features >= 0, ValueError, "Linear: feature counts must be >= 0, got ",
           in_features, " and ", out_features);
  weight = Tensor::empty({out_features, in_features}, dtype, Device{DeviceType::CPU, -1});
  if (bias) this->bias = Tensor::empty({out_features}, dtype, Device{DeviceType::CPU, -1});
  init::reset_linear_parameters(weight, this->bias);
  weight = register_parameter("weight", weight);
  if (bias) this->bias = register_parameter("bias", this->bias);
}

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> layers) {
  for (auto& l : layers) push_back(l);
}

void Sequential::push_back(std::shared_ptr<Module> layer) {
  register_module(std::to_string(layers_.size()), layer);
  layers_.push_back(std::move(layer));
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (auto& l : layers_) h = l->forward(h);
  return h;
}

}  // namespace tg::nn
