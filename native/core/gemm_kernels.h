// Internal to the GEMM (gemm.cpp and the per-ISA micro-kernel files): what a micro-kernel is.
#pragma once
#include <cstdint>

namespace lstmts {
namespace gemm {

/// C[MR,NR] = Ap·Bp + beta·C for one full tile: Ap is an MR-row micro-panel packed k-major (Ap[k*MR + r]), Bp an
/// NR-column micro-panel (Bp[k*NR + c]), kc ≥ 1. beta == 0 must not read C (it may hold NaN or garbage); any other
/// beta adds beta·C with one fused multiply-add per element, which the driver's edge path repeats exactly.
/// pf / pfBytes: memory the kernel prefetches into L2 while it computes (its share of the next B micro-panel; one
/// line per k step, so that the requests are spread over the call instead of stalling in a burst), or nullptr.
using MicroKernel = void (*)(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc, float beta,
                             const float* pf, int64_t pfBytes);

struct KernelInfo {
  int mr, nr;
  MicroKernel fn;
};

// Each returns nullptr when the file was compiled without that ISA (another architecture or compiler).
const KernelInfo* kernel_avx512();
const KernelInfo* kernel_avx2();
const KernelInfo* kernel_generic();

}  // namespace gemm
}  // namespace lstmts
