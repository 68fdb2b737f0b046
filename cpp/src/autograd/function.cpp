// Custom autograd functions (torch.autograd.Function): a node whose backward is a callback,
// with the gradients it returns checked against its inputs.
#include "ops/common.h"

namespace tg {

namespace {
// The node of a custom autograd function: its backward is a callback.
struct CallbackNode : Node {
  std::string name_;
  uint32_t n_outputs = 1;
  CustomBackwardFn fn;
  std::vector<Shape> input_shapes;
  std::vector<DType> input_dtypes;

  std::string name() const override { return name_; }
  uint32_t num_outputs() const override { return n_outputs; }
  void release_saved() override { fn = nullptr; }
  TensorList apply(TensorList&& grads) override {
    TG_CHECK(fn != nullptr, StateError, name_,
             ": trying to backward through the graph a second time; its saved state was freed by "
             "the first backward (pass retain_graph=True to keep it)");
    TensorList r = fn(grads);
    TG_CHECK(r.size() == next_edges.size(), ValueError, name_, ": backward returned ", r.size(),
             " gradients, expected ", next_edges.size(), " (one per input)");
    for (size_t i = 0; i < r.size(); ++i) {
      if (!r[i].defined() || !next_edges[i].fn) {
        r[i] = Tensor();
        continue;
      }
      const Shape& want = input_shapes[i];
      if (r[i].shape() != want) {
        TG_CHECK(broadcasts_to(want, r[i].shape()), ValueError, name_,
                 ": backward returned a gradient of shape ", r[i].shape(), " for input ", i, " of shape ",
                 want);
        r[i] = sum_to(r[i], want);
      }
      if (r[i].dtype() != input_dtypes[i]) r[i] = to_dtype(r[i], input_dtypes[i]);
    }
    return r;
  }
};
}  // namespace

void record_function(const std::string& name, const TensorList& inputs, TensorList& outputs,
                     CustomBackwardFn backward) {
  auto node = std::make_shared<CallbackNode>();
  node->name_ = name;
  node->n_outputs = uint32_t(outputs.size());
  node->fn = std::move(backward);
  for (const Tensor& t : inputs) {
    node->next_edges.push_back(gradient_edge(t));
    node->input_shapes.push_back(t.defined() ? t.shape() : Shape{});
    node->input_dtypes.push_back(t.defined() ? t.dtype() : DType::Float32);
  }
  for (size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].defined()) set_history(outputs[i], node, uint32_t(i));
}

}  // namespace tg
