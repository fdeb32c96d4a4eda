#ifndef DLTRAIN_VECTOR_SUPPORT_H
#define DLTRAIN_VECTOR_SUPPORT_H

/// What the C kernels share: multi-versioning and the 16-float vector type.

/// DL_WIDE_REGISTERS() says whether the running version has 32 vector registers (AVX-512): the x86-64-v4 clone runs
/// only on CPUs that support it, and a single-version build knows from its own target.
#if defined(__x86_64__) && defined(__clang__) && defined(__ELF__) && !defined(DL_SINGLE_VERSION)
#define DL_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define DL_WIDE_REGISTERS() __builtin_cpu_supports("x86-64-v4")
#else
#define DL_MULTIVERSION
#if defined(__AVX512F__)
#define DL_WIDE_REGISTERS() 1
#else
#define DL_WIDE_REGISTERS() 0
#endif
#endif

typedef float dl_vector __attribute__((vector_size(64)));

/// Unaligned 16-float load and store (macros, not functions: a vector-typed argument would make the baseline
/// clone's calling convention depend on the target).
#define LOAD_VECTOR(p) ({ dl_vector v_; __builtin_memcpy(&v_, (p), sizeof v_); v_; })
#define STORE_VECTOR(p, v) do { dl_vector v_ = (v); __builtin_memcpy((p), &v_, sizeof v_); } while (0)

#endif
