// Typed errors. The Python bindings map them to ValueError, TypeError, IndexError,
// RuntimeError, OSError and a ZeroDivisionError that is also a RuntimeError (as torch's); every message names
// the op and the offending shapes.
#pragma once
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tg {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ValueError : Error {  // bad shapes or values
  using Error::Error;
};
struct TypeError : Error {  // wrong dtype
  using Error::Error;
};
struct IndexError : Error {  // index out of range
  using Error::Error;
};
struct StateError : Error {  // misuse of state (autograd graph freed, ...): Python RuntimeError
  using Error::Error;
};
struct IOError : Error {  // files
  using Error::Error;
};
struct ZeroDivisionError : Error {  // integer division by zero: Python RuntimeError and ZeroDivisionError
  using Error::Error;
};

inline std::string fmt_shape(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

namespace detail {
inline void append(std::ostringstream&) {}
template <typename A, typename... R>
void append(std::ostringstream& os, const A& a, const R&... r) {
  if constexpr (std::is_same_v<A, std::vector<int64_t>>)
    os << fmt_shape(a);
  else
    os << a;
  append(os, r...);
}
}  // namespace detail

// Concatenate the arguments into a message; shapes print as [2, 3].
template <typename... A>
std::string msg(const A&... a) {
  std::ostringstream os;
  detail::append(os, a...);
  return os.str();
}

}  // namespace tg

#define TG_CHECK(cond, ErrType, ...)                          \
  do {                                                        \
    if (!(cond)) throw ::tg::ErrType(::tg::msg(__VA_ARGS__)); \
  } while (0)
