// The last overload of every bound function and Tensor method: it runs only when no typed
// overload took the arguments (nothing is added to a call that succeeds). It gives
//   - out=: the function without it, its result then written into `out` (torch's out= on the
//     functions that have it, as a copy);
//   - else a TypeError of a line or two naming the function, the argument types it got and the
//     signatures it takes, instead of pybind11's dump of every argument's value.
#include <cctype>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "common.h"

namespace tg::py_bind {

namespace {

std::string type_of(const py::handle& h) {
  if (py::isinstance<TensorImpl>(h)) return "Tensor";
  if (h.is_none()) return "None";
  py::handle t = py::type::handle_of(h);
  const std::string mod = py::str(t.attr("__module__")), name = py::str(t.attr("__qualname__"));
  return mod == "builtins" ? name : mod + "." + name;
}

// The signatures in a pybind11 docstring: "name(a: T, ...) -> R" lines, numbered "1. " when
// overloaded (under a "name(*args, **kwargs)" header, which is skipped).
std::vector<std::string> signatures(const std::string& doc, const std::string& name) {
  std::vector<std::string> out;
  std::istringstream in(doc);
  std::string line;
  while (std::getline(in, line)) {
    size_t p = 0;
    while (p < line.size() && std::isdigit((unsigned char)line[p])) ++p;
    if (p > 0 && line.compare(p, 2, ". ") == 0) p += 2;
    if (line.compare(p, name.size() + 1, name + "(") != 0) continue;
    std::string sig = line.substr(p);
    if (sig.compare(name.size(), 17, "(*args, **kwargs)") == 0) continue;
    const size_t arrow = sig.rfind(") -> ");
    if (arrow != std::string::npos) sig = sig.substr(0, arrow + 1);
    out.push_back(sig);
  }
  return out;
}

struct Fallback {
  std::string name;  // as the user calls it: add, Tensor.add
  std::vector<std::string> sigs;
  py::object owner;  // the module or the class holding it
  std::string attr;

  // `out` holds the result of the call without it.
  py::object write_out(const py::object& result, const py::object& out) const {
    auto write = [&](const py::handle& dst, const py::handle& src) {
      TG_CHECK(py::isinstance<TensorImpl>(dst) && py::isinstance<TensorImpl>(src), TypeError, name,
               "(): out= must be a Tensor (a tuple of them for several results), got ", type_of(dst));
      Tensor o = dst.cast<Tensor>();
      const Tensor r = src.cast<Tensor>();
      TG_CHECK(o.shape() == r.shape(), ValueError, name, "(): out= has shape ", o.shape(),
               " but the result has shape ", r.shape());
      TG_CHECK(is_floating(o.dtype()) || !is_floating(r.dtype()), TypeError, name, "(): result type ",
               dtype_name(r.dtype()), " can't be cast to the desired output type ", dtype_name(o.dtype()));
      copy_(o, r);
    };
    if (py::isinstance<py::tuple>(result)) {
      const py::tuple r = result;
      const py::sequence o = out;
      TG_CHECK(py::isinstance<py::sequence>(out) && py::len(o) == py::len(r), TypeError, name,
               "(): out= must be a tuple of ", py::len(r), " tensors");
      for (size_t i = 0; i < py::len(r); ++i) write(o[i], r[i]);
      return out;
    }
    write(out, result);
    return out;
  }

  py::object operator()(py::args args, py::kwargs kwargs) const {
    if (kwargs.contains("out")) {
      py::object out = kwargs["out"];
      py::dict rest;
      for (auto item : kwargs)
        if (py::str(item.first).cast<std::string>() != "out") rest[item.first] = item.second;
      if (GradMode::is_enabled())
        for (py::handle a : args)
          TG_CHECK(!(py::isinstance<TensorImpl>(a) && a.cast<Tensor>().requires_grad()), ValueError, name,
                   "(): functions with out=... arguments don't support automatic differentiation, but one of "
                   "the arguments requires grad");
      if (py::isinstance<TensorImpl>(out))  // torch: out= may not partly overlap an input
        for (py::handle a : args)
          if (py::isinstance<TensorImpl>(a))
            check_no_partial_overlap(out.cast<Tensor>(), a.cast<Tensor>(), name.c_str());
      py::object result = owner.attr(attr.c_str())(*args, **rest);
      return out.is_none() ? result : write_out(result, out);
    }
    std::string got;
    for (py::handle a : args) got += (got.empty() ? "" : ", ") + type_of(a);
    for (auto item : kwargs)
      got += (got.empty() ? "" : ", ") + py::str(item.first).cast<std::string>() + "=" + type_of(item.second);
    std::string expected;
    for (size_t i = 0; i < sigs.size() && i < 3; ++i) expected += (i ? " or " : "") + sigs[i];
    if (sigs.size() > 3) expected += " (or " + std::to_string(sigs.size() - 3) + " more)";
    bool numpy = false;
    for (py::handle a : args) numpy = numpy || type_of(a) == "numpy.ndarray";
    throw TypeError(msg(
        name, "(): incompatible arguments (", got, "); expected ", expected,
        numpy ? "; a NumPy array becomes a tensor with tetragrad.from_numpy(a) or tetragrad.tensor(a)" : ""));
  }
};

bool is_pybind_function(const py::handle& f) {
  py::handle fn = f;
  if (PyInstanceMethod_Check(f.ptr())) fn = PyInstanceMethod_GET_FUNCTION(f.ptr());
  return PyCFunction_Check(fn.ptr()) && py::hasattr(fn, "__doc__") && !py::getattr(fn, "__doc__").is_none();
}

template <class Owner>
void add_to(Owner& owner, const std::string& prefix) {
  py::dict d = owner.attr("__dict__");
  std::vector<std::pair<std::string, std::string>> found;  // name, doc
  for (auto item : d) {
    const std::string name = py::str(item.first);
    if (name.empty() || name[0] == '_' || !is_pybind_function(item.second)) continue;
    found.emplace_back(name, py::str(owner.attr(name.c_str()).attr("__doc__")));
  }
  for (const auto& [name, doc] : found)
    owner.def(name.c_str(), Fallback{prefix + name, signatures(doc, name), owner, name});
}

}  // namespace

void add_argument_fallbacks(py::module_& m, PyTensorClass& cls) {
  // The stub generator describes the typed overloads only.
  if (std::getenv("TETRAGRAD_STUBGEN")) return;
  add_to(m, "");
  py::module_ nn = m.attr("_nn");
  add_to(nn, "");
  py::module_ la = m.attr("_linalg");
  add_to(la, "linalg.");
  add_to(cls, "Tensor.");
}

}  // namespace tg::py_bind
