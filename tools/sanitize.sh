#!/usr/bin/env bash
# Build tetragrad._C with AddressSanitizer + UndefinedBehaviorSanitizer and run the test
# suite against it; the first report aborts the run (halt_on_error).
#
#   tools/sanitize.sh [pytest args...]      # from the repo root, in a venv with the test extras
#
# The sanitized module is built with CMake into build/sanitize (not installed) and staged with
# the Python sources in build/sanitize/pkg, which PYTHONPATH puts before any installed
# tetragrad. Python itself is not sanitized, so libasan is preloaded and leak checking is off
# (the interpreter's own allocations would drown real reports). Extra commands can run in the
# same environment: SANITIZE_THEN="python tests/fuzz/fuzz_torch.py ..." tools/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/sanitize
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g1"
cmake -S . -B "$build" -G Ninja -DTETRAGRAD_PYTHON=ON -DCMAKE_BUILD_TYPE=Release \
  -DPython_EXECUTABLE="$(command -v python)" -Dpybind11_DIR="$(python -m pybind11 --cmakedir)" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" -DCMAKE_MODULE_LINKER_FLAGS="$flags" \
  > /dev/null
cmake --build "$build" --target _C | tail -1
rm -rf "$build/pkg" && mkdir -p "$build/pkg"
cp -r python/tetragrad "$build/pkg/"
cp "$build"/_C*.so "$build/pkg/tetragrad/"
# An editable install's import hook would win over PYTHONPATH: drop it in this run.
cat > "$build/pkg/sitecustomize.py" <<'EOF'
import sys

sys.meta_path = [f for f in sys.meta_path if not type(f).__module__.startswith("_editable_skbc_")]
EOF

export PYTHONPATH="$PWD/$build/pkg"
# libstdc++ too: ASan intercepts __cxa_throw only if it is loaded when ASan starts.
export LD_PRELOAD="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libstdc++.so)"
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
python -c 'import tetragrad; f = tetragrad._C.__file__; assert "build/sanitize/pkg" in f, "not sanitized: " + f'
# --capture=sys: a report written to fd 2 must reach the log, not pytest's capture file.
python -m pytest -q -p no:cacheprovider --capture=sys "$@"
if [ -n "${SANITIZE_THEN:-}" ]; then eval "$SANITIZE_THEN"; fi
