"""tools/check_symbols.py, the CI check that no kernel symbol is shared between ISA builds,
fails on the archives it must refuse (checked here on small fake archives)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "check_symbols.py"
pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("c++", "ar", "nm")), reason="needs a C++ compiler, ar and nm"
)


def archive(tmp_path, members):
    objs = []
    for name, src in members.items():
        (tmp_path / "x.cpp").write_text(src)
        obj = tmp_path / name
        subprocess.run(["c++", "-c", "-o", str(obj), str(tmp_path / "x.cpp")], check=True)
        objs.append(str(obj))
    lib = tmp_path / "libfake.a"
    subprocess.run(["ar", "rcs", str(lib), *objs], check=True)
    return lib


def run(lib):
    return subprocess.run([sys.executable, str(TOOL), str(lib)], capture_output=True, text=True)


GOOD = 'extern "C" int tg_cpu_kernel_table_baseline() { return 0; }\n'


def test_accepts_a_kernel_object_that_exports_only_its_table(tmp_path):
    r = run(archive(tmp_path, {"tg_kernels_baseline.o": GOOD}))
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize(
    "src,expect",
    [
        (GOOD + "int shared_helper() { return 1; }\n", "exports shared_helper"),
        (
            GOOD + "namespace tg::cpu { static int f() { return 2; } int g() { return f(); } }\n",
            "not ISA-qualified",
        ),
        (GOOD + "namespace Eigen { int h() { return 3; } }\n", "not ISA-qualified"),
    ],
)
def test_refuses_shared_or_unqualified_kernel_symbols(tmp_path, src, expect):
    r = run(archive(tmp_path, {"tg_kernels_baseline.o": src}))
    assert r.returncode == 1 and expect in r.stdout, r.stdout


def test_refuses_an_archive_without_the_baseline_kernels(tmp_path):
    r = run(archive(tmp_path, {"other.o": "int x() { return 0; }\n"}))
    assert r.returncode == 1 and "no tg_kernels_baseline.o" in r.stdout
