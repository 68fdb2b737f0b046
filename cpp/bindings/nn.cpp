// tetragrad._C._nn: the functional layer (activations, linear, dropout, losses) and the
// fused optimizer steps, with torch.nn.functional's argument names and defaults.
#include "common.h"
#include "tetragrad/functional.h"
#include "tetragrad/optim.h"

namespace tg::py_bind {

namespace {

Tensor optional_tensor(const py::object& o) { return o.is_none() ? Tensor() : o.cast<Tensor>(); }

// softmax's dim: an int, or None for torch's deprecated implicit choice (0 for 0-, 1- and 3-d
// input, else 1), with torch's warning.
int64_t softmax_dim(const char* op, const Tensor& x, const py::object& dim) {
  if (dim.is_none()) {
    const int64_t d = x.dim() == 0 || x.dim() == 1 || x.dim() == 3 ? 0 : 1;
    const std::string msg = std::string("Implicit dimension choice for ") + op +
                            " has been deprecated. Change the call to include dim=X as an argument.";
    if (PyErr_WarnEx(PyExc_UserWarning, msg.c_str(), 1) < 0) throw py::error_already_set();
    return d;
  }
  TG_CHECK(PyIndex_Check(dim.ptr()), TypeError, op, ": dim must be an int or None, got ",
           std::string(py::str(py::type::of(dim).attr("__name__"))));
  return dim.cast<int64_t>();
}

}  // namespace

void bind_nn(py::module_& m, PyTensorClass& cls) {
  py::module_ nn = m.def_submodule("_nn", "torch.nn.functional's kernels (use tetragrad.nn.functional)");
  using py::arg;

  // ---- activations (sigmoid/tanh/relu are the plain tensor ops) ----------------------------
  // One per TG_ACTIVATION_OPS entry (pointwise_ops.h), with torch's argument names and defaults.
#define TG_BIND_ACTIVATION(Name, fn, py, rule, saves, node, np, p0, d0, p1, d1) \
  nn.def(py, &fn, arg("input") TG_PW_PYARGS_##np(p0, d0, p1, d1));
  TG_ACTIVATION_OPS(TG_BIND_ACTIVATION)
#undef TG_BIND_ACTIVATION
  nn.def(
      "gelu",
      [](const Tensor& x, const std::string& approximate) {
        TG_CHECK(approximate == "none" || approximate == "tanh", ValueError,
                 "gelu: approximate must be 'none' or 'tanh', got '", approximate, "'");
        return gelu(x, approximate == "tanh");
      },
      arg("input"), arg("approximate") = "none");
  for (const char* name : {"softmax", "log_softmax"}) {
    const bool log = name[0] == 'l';
    auto f = [log, name](const Tensor& x, const py::object& dim, const py::object& dtype) {
      const Tensor xi = dtype.is_none() ? x : to_dtype(x, dtype.cast<DType>());
      const int64_t d = softmax_dim(name, x, dim);
      return log ? log_softmax(xi, d) : softmax(xi, d);
    };
    nn.def(name, f, arg("input"), arg("dim") = py::none(), arg("dtype") = py::none());
    cls.def(name, f, arg("dim"), arg("dtype") = py::none());
  }
  nn.def("maxout", &maxout, arg("input"), arg("pool_size"), arg("dim") = -1);
  nn.def("hardtanh", &hardtanh, arg("input"), arg("min_val") = -1.0, arg("max_val") = 1.0);
  nn.def("prelu", &prelu, arg("input"), arg("weight"));
  nn.def("one_hot", &one_hot, arg("tensor"), arg("num_classes") = -1);

  // ---- layers ---------------------------------------------------------------------------
  nn.def(
      "linear",
      [](const Tensor& x, const Tensor& w, const py::object& b) { return linear(x, w, optional_tensor(b)); },
      arg("input"), arg("weight"), arg("bias") = py::none());
  nn.def("dropout", &dropout, arg("input"), arg("p") = 0.5, arg("training") = true);

  // ---- losses ---------------------------------------------------------------------------
  // reduction=None (or any non-string) is a ValueError naming the value, as in torch.
  auto red = [](const py::object& r, const char* op) {
    return parse_reduction(py::isinstance<py::str>(r) ? r.cast<std::string>() : std::string(py::repr(r)), op);
  };
  nn.def(
      "mse_loss",
      [red](const Tensor& x, const Tensor& t, const py::object& r) {
        return mse_loss(x, t, red(r, "mse_loss"));
      },
      arg("input"), arg("target"), arg("reduction") = "mean");
  nn.def(
      "l1_loss",
      [red](const Tensor& x, const Tensor& t, const py::object& r) {
        return l1_loss(x, t, red(r, "l1_loss"));
      },
      arg("input"), arg("target"), arg("reduction") = "mean");
  nn.def(
      "smooth_l1_loss",
      [red](const Tensor& x, const Tensor& t, const py::object& r, double beta) {
        return smooth_l1_loss(x, t, red(r, "smooth_l1_loss"), beta);
      },
      arg("input"), arg("target"), arg("reduction") = "mean", arg("beta") = 1.0);
  nn.def(
      "huber_loss",
      [red](const Tensor& x, const Tensor& t, const py::object& r, double delta) {
        return huber_loss(x, t, red(r, "huber_loss"), delta);
      },
      arg("input"), arg("target"), arg("reduction") = "mean", arg("delta") = 1.0);
  nn.def(
      "binary_cross_entropy",
      [red](const Tensor& x, const Tensor& t, const py::object& w, const py::object& r) {
        return binary_cross_entropy(x, t, optional_tensor(w), red(r, "binary_cross_entropy"));
      },
      arg("input"), arg("target"), arg("weight") = py::none(), arg("reduction") = "mean");
  nn.def(
      "binary_cross_entropy_with_logits",
      [red](const Tensor& x, const Tensor& t, const py::object& w, const py::object& r,
            const py::object& pw) {
        return binary_cross_entropy_with_logits(
            x, t, optional_tensor(w), red(r, "binary_cross_entropy_with_logits"), optional_tensor(pw));
      },
      arg("input"), arg("target"), arg("weight") = py::none(), arg("reduction") = "mean",
      arg("pos_weight") = py::none());
  nn.def(
      "nll_loss",
      [red](const Tensor& x, const Tensor& t, const py::object& w, int64_t ignore_index,
            const py::object& r) {
        return nll_loss(x, t, optional_tensor(w), ignore_index, red(r, "nll_loss"));
      },
      arg("input"), arg("target"), arg("weight") = py::none(), arg("ignore_index") = -100,
      arg("reduction") = "mean");
  nn.def(
      "cross_entropy",
      [red](const Tensor& x, const Tensor& t, const py::object& w, int64_t ignore_index, const py::object& r,
            double label_smoothing) {
        return cross_entropy(x, t, optional_tensor(w), ignore_index, red(r, "cross_entropy"),
                             label_smoothing);
      },
      arg("input"), arg("target"), arg("weight") = py::none(), arg("ignore_index") = -100,
      arg("reduction") = "mean", arg("label_smoothing") = 0.0);

  // ---- optimizers -----------------------------------------------------------------------
  // One SGD step over a param group; returns the momentum buffers (None where there is none).
  nn.def(
      "sgd_step",
      [](const TensorList& params, const std::vector<std::optional<Tensor>>& bufs, double lr, double momentum,
         double dampening, double weight_decay, bool nesterov, bool maximize) {
        TensorList b(params.size());
        for (size_t i = 0; i < bufs.size() && i < b.size(); ++i)
          if (bufs[i]) b[i] = *bufs[i];
        optim::sgd_step(params, b, {lr, momentum, dampening, weight_decay, nesterov, maximize});
        std::vector<std::optional<Tensor>> out(b.size());
        for (size_t i = 0; i < b.size(); ++i)
          if (b[i].defined()) out[i] = b[i];
        return out;
      },
      arg("params"), arg("momentum_buffers"), arg("lr"), arg("momentum"), arg("dampening"),
      arg("weight_decay"), arg("nesterov"), arg("maximize"));
  nn.def("zero_grad", &optim::zero_grad, arg("params"), arg("set_to_none") = true);
}

}  // namespace tg::py_bind
