// Typed errors. The Python bindings map them to ValueError, TypeError, IndexError,
// RuntimeError, OSError and a ZeroDivisionError that is also a RuntimeError (as torch's); every message names
// the op and the offending shapes.
#pragma once
#include <charconv>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace tg {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ValueError : Error {  // bad shapes or values
  using Error::Error;
};
// A matrix a linear-algebra op cannot handle (singular, not positive-definite, an iteration
// that did not converge): Python's tetragrad.linalg.LinAlgError, a ValueError and a RuntimeError.
struct LinAlgError : ValueError {
  using ValueError::ValueError;
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

// A double as Python's repr writes it: the shortest digits that round-trip, positional for
// exponents in [-4, 16) ("0.0001", "100.0"), else scientific ("1e-05", "1e+16").
inline std::string repr_double(double v) {
  if (v != v) return "nan";
  if (v == std::numeric_limits<double>::infinity()) return "inf";
  if (v == -std::numeric_limits<double>::infinity()) return "-inf";
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string s(buf, r.ptr);  // [-]d[.ddd]e[+-]XX
  const size_t e = s.find('e');
  const bool neg = s[0] == '-';
  std::string digits;
  for (size_t i = neg ? 1 : 0; i < e; ++i)
    if (s[i] != '.') digits += s[i];
  const int exp = std::stoi(s.substr(e + 1));
  std::string out;
  if (exp >= -4 && exp < 16) {
    const size_t point = size_t(exp + 1);
    if (exp < 0)
      out = "0." + std::string(size_t(-exp - 1), '0') + digits;
    else if (point >= digits.size())
      out = digits + std::string(point - digits.size(), '0') + ".0";
    else
      out = digits.substr(0, point) + "." + digits.substr(point);
  } else {
    const int a = exp < 0 ? -exp : exp;
    out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + (exp < 0 ? "e-" : "e+") +
          (a < 10 ? "0" : "") + std::to_string(a);
  }
  return neg ? "-" + out : out;
}

namespace detail {
inline void append(std::ostringstream&) {}
template <typename A, typename... R>
void append(std::ostringstream& os, const A& a, const R&... r) {
  if constexpr (std::is_same_v<A, std::vector<int64_t>>) {
    os << fmt_shape(a);
  } else if constexpr (std::is_floating_point_v<A>) {
    os << repr_double(double(a));
  } else
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
