// The backward engine: collect the graph reachable from the roots, count each node's
// consumers, then run nodes in dependency order (newest first among the ready ones, as
// PyTorch does), accumulating gradients per (node, output) and into leaves' .grad.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "autograd/hooks.h"
#include "tetragrad/autograd.h"
#include "tetragrad/ops.h"

namespace tg {

namespace {
std::atomic<uint64_t> g_sequence{0};
thread_local bool g_grad_enabled = true;
}  // namespace

Node::Node() : sequence_nr(g_sequence++) {}

// Freeing a graph frees each node's inputs, recursively: a chain of 100k ops (a loop, an
// RNN unrolled over many steps) would overflow the stack. Instead, nodes whose last
// owner is this one are queued and destroyed one at a time by the outermost destructor.
Node::~Node() {
  thread_local bool draining = false;
  thread_local std::vector<std::shared_ptr<Node>> pending;
  for (Edge& e : next_edges)
    if (e.fn && e.fn.use_count() == 1) pending.push_back(std::move(e.fn));
  next_edges.clear();
  if (draining) return;
  draining = true;
  while (!pending.empty()) {
    std::shared_ptr<Node> n = std::move(pending.back());
    pending.pop_back();
    n.reset();  // runs that node's destructor, which queues its own inputs
  }
  draining = false;
}

bool GradMode::is_enabled() { return g_grad_enabled; }
void GradMode::set_enabled(bool on) { g_grad_enabled = on; }

SavedTensor::SavedTensor(const Tensor& t) {
  if (!t.defined()) return;
  data_ = t.detach();
  version_ = t.storage()->version.load();
}

Tensor SavedTensor::unpack(const char* node_name) const {
  TG_CHECK(!released_, StateError, node_name,
           ": trying to backward through the graph a second time (or directly access saved "
           "tensors after they have already been freed). Saved intermediate values of the graph "
           "are freed when you call .backward(); pass retain_graph=True the first time if you "
           "need to backward through it again.");
  if (data_.defined())
    TG_CHECK(data_.storage()->version.load() == version_, StateError, node_name,
             ": one of the tensors needed for gradient computation has been modified by an "
             "inplace operation (shape ",
             data_.shape(), ", saved at version ", version_, ", now at version ",
             data_.storage()->version.load(), ")");
  return data_;
}

namespace {
// Two threads running backward through graphs that share a leaf (a parameter) accumulate
// into the same .grad: one lock per accumulation, as torch's. Striped by the leaf's address
// so unrelated leaves rarely contend and no mutex lives in every TensorImpl.
std::mutex& leaf_mutex(const TensorImpl* t) {
  static std::mutex stripes[64];
  return stripes[(reinterpret_cast<uintptr_t>(t) >> 4) % 64];
}
}  // namespace

void accumulate_grad(TensorImpl& t, Tensor g) {
  if (g.dtype() != t.dtype) g = to_dtype(g, t.dtype);
  std::lock_guard<std::mutex> lock(leaf_mutex(&t));
  std::shared_ptr<TensorImpl> current = std::atomic_load(&t.grad);
  if (!current) {
    // Keep the incoming buffer when nobody else can see it; otherwise copy.
    const bool owned = g.impl_ptr().use_count() == 1 && g.storage().use_count() == 1 && g.is_contiguous() &&
                       g.shape() == t.shape;
    std::atomic_store(&t.grad, owned ? g.impl_ptr() : contiguous(clone(expand(g, t.shape))).impl_ptr());
  } else {
    Tensor acc(std::move(current));
    binary_(BinaryOp::Add, acc, g);
  }
}

namespace {
// The sink for a leaf: adds the incoming gradient to leaf.grad.
struct AccumulateGrad : Node {
  explicit AccumulateGrad(std::shared_ptr<TensorImpl> leaf) : leaf(std::move(leaf)) {}
  std::shared_ptr<TensorImpl> leaf;
  std::string name() const override { return "AccumulateGrad"; }
  TensorImpl* hooked_leaf() const override { return leaf.get(); }
  TensorList apply(TensorList&& grads) override {
    if (grads[0].defined()) accumulate_grad(*leaf, std::move(grads[0]));
    return {};
  }
};
}  // namespace

bool any_requires_grad(std::initializer_list<const Tensor*> inputs) {
  for (const Tensor* t : inputs)
    if (t && t->defined() && t->requires_grad()) return true;
  return false;
}

Edge gradient_edge(const Tensor& t) {
  if (!t.defined() || !t.requires_grad()) return {};
  refresh_view_history(t);
  TensorImpl* impl = t.impl();
  if (impl->grad_fn) return {impl->grad_fn, impl->output_nr};
  std::lock_guard<std::mutex> lock(leaf_mutex(impl));  // one accumulator per leaf, across threads
  auto acc = impl->grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t.impl_ptr());
    impl->grad_accumulator = acc;
  }
  return {acc, 0};
}

void set_history(Tensor& out, const std::shared_ptr<Node>& node, uint32_t output_nr) {
  if (!node) return;
  TensorImpl* impl = out.impl();
  if (impl->retains_grad && impl->grad_fn && impl->grad_fn != node) {
    // An in-place op gave the tensor a new value: retain_grad follows it (as torch's), while
    // hooks stay with the old value.
    auto& old = impl->grad_fn->retained_grads;
    old.erase(std::remove_if(old.begin(), old.end(),
                             [impl](const auto& r) { return r.second.lock().get() == impl; }),
              old.end());
    node->retained_grads.emplace_back(output_nr, out.impl_ptr());
  }
  out.impl()->requires_grad = true;
  out.impl()->grad_fn = node;
  out.impl()->output_nr = output_nr;
}

TensorList run_backward(const TensorList& roots, const TensorList& grads, bool retain_graph,
                        const TensorList& inputs) {
  TG_CHECK(roots.size() == grads.size(), ValueError, "backward: got ", roots.size(), " tensors but ",
           grads.size(), " gradients");
  using Buffer = TensorList;
  std::unordered_map<Node*, Buffer> buffers;
  std::unordered_map<Node*, int> deps;
  std::vector<std::shared_ptr<Node>> starts;

  auto add_to = [](Buffer& buf, uint32_t nr, Tensor g) {
    if (buf.size() <= nr) buf.resize(nr + 1);
    if (!buf[nr].defined())
      buf[nr] = std::move(g);
    else
      buf[nr] = add(buf[nr], g);
  };

  NoGradGuard no_grad;
  for (size_t i = 0; i < roots.size(); ++i) {
    const Tensor& r = roots[i];
    TG_CHECK(r.requires_grad(), StateError, "backward: element ", i,
             " of tensors does not require grad and does not have a "
             "grad_fn (shape ",
             r.shape(), ")");
    Tensor g = grads[i];
    if (!g.defined()) {
      TG_CHECK(r.numel() == 1, StateError,
               "backward: grad can be implicitly created only for scalar outputs (got shape ", r.shape(),
               ")");
      g = new_ones(r, r.shape(), r.dtype());
    } else {
      TG_CHECK(g.shape() == r.shape(), ValueError, "backward: gradient has shape ", g.shape(),
               " but the tensor has shape ", r.shape());
    }
    Edge e = gradient_edge(r);
    add_to(buffers[e.fn.get()], e.input_nr, g);
    starts.push_back(e.fn);
  }

  // Count, for every reachable node, how many edges point at it.
  std::unordered_set<Node*> seen;
  std::vector<Node*> stack;
  for (auto& s : starts)
    if (seen.insert(s.get()).second) stack.push_back(s.get());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges) {
      if (!e.fn) continue;
      deps[e.fn.get()]++;
      if (seen.insert(e.fn.get()).second) stack.push_back(e.fn.get());
    }
  }

  auto newer = [](const std::shared_ptr<Node>& a, const std::shared_ptr<Node>& b) {
    return a->sequence_nr < b->sequence_nr;
  };
  std::priority_queue<std::shared_ptr<Node>, std::vector<std::shared_ptr<Node>>, decltype(newer)> ready(
      newer);
  std::unordered_set<Node*> queued;
  for (auto& s : starts)
    if (deps[s.get()] == 0 && queued.insert(s.get()).second) ready.push(s);

  // autograd.grad: where each input's gradient arrives (its node and output slot).
  const bool capture = !inputs.empty();
  std::vector<Edge> targets;
  for (const Tensor& t : inputs) {
    TG_CHECK(t.requires_grad(), StateError,
             "grad: one of the differentiated tensors does not require grad (shape ", t.shape(), ")");
    targets.push_back(gradient_edge(t));
  }
  TensorList captured(inputs.size());

  while (!ready.empty()) {
    std::shared_ptr<Node> node = ready.top();
    ready.pop();
    Buffer in = std::move(buffers[node.get()]);
    buffers.erase(node.get());
    in.resize(node->num_outputs());
    run_grad_hooks(*node, in);
    if (capture) {
      for (size_t k = 0; k < targets.size(); ++k)
        if (targets[k].fn.get() == node.get()) captured[k] = in[targets[k].input_nr];
      if (dynamic_cast<AccumulateGrad*>(node.get())) continue;  // grad() leaves .grad alone
    }
    TensorList out = node->apply(std::move(in));
    if (!retain_graph) node->release_saved();
    for (size_t i = 0; i < node->next_edges.size(); ++i) {
      const Edge& e = node->next_edges[i];
      if (!e.fn) continue;
      if (i < out.size() && out[i].defined()) add_to(buffers[e.fn.get()], e.input_nr, out[i]);
      if (--deps[e.fn.get()] == 0) ready.push(e.fn);
    }
  }
  return captured;
}

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  const int64_t lead = grad.dim() - (int64_t)shape.size();
  Dims dims;
  for (int64_t i = 0; i < grad.dim(); ++i) {
    if (i < lead)
      dims.push_back(i);
    else if (shape[i - lead] == 1 && grad.shape()[i] != 1)
      dims.push_back(i);
  }
  Tensor r = dims.empty() ? grad : sum(grad, dims, true);
  if (lead > 0 || r.shape() != shape) r = reshape(r, shape);
  return r;
}

}  // namespace tg
