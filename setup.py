"""The build's one compiled part: ``corpuskit._detector_kernel``, langdetect's sampling in C.

Everything else is in pyproject.toml. The extension is optional: where it cannot be
built (no compiler), the install goes on without it and ``corpuskit.steps.detector``
samples in Python, with the same floats (docs/architecture.md, "Compiled kernel").
"""

from __future__ import annotations

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildKernel(build_ext):  # type: ignore[misc]  # setuptools is untyped here
    """``build_ext`` with the flags that keep the kernel's floats Python's: no fused
    multiply-add (GCC contracts ``a + b * c`` by default where the CPU has FMA)."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type == "msvc":
            flags = ["/fp:precise"]
        else:
            flags = ["-ffp-contract=off", "-fno-fast-math"]
        for extension in self.extensions:
            extension.extra_compile_args = [*extension.extra_compile_args, *flags]
        super().build_extensions()


setup(
    ext_modules=[
        Extension(
            "corpuskit._detector_kernel",
            sources=["corpuskit/_detector_kernel.c"],
            optional=True,  # no compiler: installed without it, the Python path is used
        )
    ],
    cmdclass={"build_ext": BuildKernel},
)
