// tetragrad._C._nn: the functional layer (activations, linear, dropout, losses) and the
// fused optimizer steps, with torch.nn.functional's argument names and defaults.
#include "common.h"
#include "tetragrad/functional.h"
#include "tetragrad/init.h"
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

// tetragrad._C._init: torch.nn.init's formulas (tetragrad.nn.init wraps them with torch's
// signatures and the zero-element warning).
void bind_init(py::module_& m) {
  py::module_ init = m.def_submodule("_init", "torch.nn.init's formulas (use tetragrad.nn.init)");
  using py::arg;
  namespace I = nn::init;
  init.def(
      "calculate_gain",
      [](const std::string& nonlinearity, const py::object& param) {
        std::optional<double> slope;
        if (nonlinearity == "leaky_relu" && !param.is_none()) {
          const bool number =
              !PyBool_Check(param.ptr()) && (PyLong_Check(param.ptr()) || PyFloat_Check(param.ptr()));
          TG_CHECK(number, ValueError, "negative_slope ", std::string(py::str(param)), " not a valid number");
          slope = param.cast<double>();
        }
        return I::calculate_gain(nonlinearity, slope);
      },
      arg("nonlinearity"), arg("param") = py::none());
  init.def("_calculate_fan_in_and_fan_out", &I::calculate_fan_in_and_fan_out, arg("tensor"));
  init.def("uniform_", &I::uniform_, arg("tensor"), arg("a") = 0.0, arg("b") = 1.0);
  init.def("normal_", &I::normal_, arg("tensor"), arg("mean") = 0.0, arg("std") = 1.0);
  init.def("constant_", &I::constant_, arg("tensor"), arg("val"));
  init.def("zeros_", &I::zeros_, arg("tensor"));
  init.def("ones_", &I::ones_, arg("tensor"));
  init.def("xavier_uniform_", &I::xavier_uniform_, arg("tensor"), arg("gain") = 1.0);
  init.def("xavier_normal_", &I::xavier_normal_, arg("tensor"), arg("gain") = 1.0);
  init.def("kaiming_uniform_", &I::kaiming_uniform_, arg("tensor"), arg("a") = 0.0, arg("mode") = "fan_in",
           arg("nonlinearity") = "leaky_relu");
  init.def("kaiming_normal_", &I::kaiming_normal_, arg("tensor"), arg("a") = 0.0, arg("mode") = "fan_in",
           arg("nonlinearity") = "leaky_relu");
  init.def(
      "reset_linear_parameters",
      [](Tensor& weight, const py::object& bias) {
        Tensor b = optional_tensor(bias);
        I::reset_linear_parameters(weight, b);
      },
      arg("weight"), arg("bias"));
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
  nn.def(
      "softmin",  // dim resolved by tetragrad.nn.functional.softmin (torch's implicit-dim warning)
      [](const Tensor& x, int64_t dim, const py::object& dtype) {
        return softmin(x, dim, dtype.is_none() ? std::nullopt : std::optional<DType>(dtype.cast<DType>()));
      },
      arg("input"), arg("dim"), arg("dtype") = py::none());

  // ---- distances ------------------------------------------------------------------------
  nn.def("normalize", &normalize, arg("input"), arg("p") = 2.0, arg("dim") = 1, arg("eps") = 1e-12);
  nn.def("cosine_similarity", &cosine_similarity, arg("x1"), arg("x2"), arg("dim") = 1, arg("eps") = 1e-8);
  nn.def("pairwise_distance", &pairwise_distance, arg("x1"), arg("x2"), arg("p") = 2.0, arg("eps") = 1e-6,
         arg("keepdim") = false);
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

  nn.def(
      "kl_div",  // the deprecated size_average/reduce and the 'mean' warning: tetragrad.nn.functional
      [](const Tensor& input, const Tensor& target, const py::object& reduction, bool log_target) {
        TG_CHECK(py::isinstance<py::str>(reduction), ValueError, "kl_div: '",
                 std::string(py::repr(reduction)),
                 "' is not a valid value for reduction (expected 'none', 'batchmean', 'sum' or 'mean')");
        return kl_div(input, target, reduction.cast<std::string>(), log_target);
      },
      arg("input"), arg("target"), arg("reduction") = "mean", arg("log_target") = false);

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
  nn.def(
      "sgd_check_options",
      [](double lr, double momentum, double dampening, double weight_decay, bool nesterov, bool maximize) {
        optim::check_sgd_options({lr, momentum, dampening, weight_decay, nesterov, maximize});
      },
      arg("lr"), arg("momentum"), arg("dampening"), arg("weight_decay"), arg("nesterov"), arg("maximize"));
  nn.def("zero_grad", &optim::zero_grad, arg("params"), arg("set_to_none") = true);

  bind_init(m);
}

}  // namespace tg::py_bind
