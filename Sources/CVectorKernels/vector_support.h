#ifndef DLTRAIN_VECTOR_SUPPORT_H
#define DLTRAIN_VECTOR_SUPPORT_H

/// What the C kernels share: multi-versioning and the 16-float vector type.

#if defined(__x86_64__) && defined(__clang__) && defined(__ELF__) && !defined(DL_SINGLE_VERSION)
#define DL_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DL_MULTIVERSION
#endif

typedef float dl_vector __attribute__((vector_size(64)));

/// Unaligned 16-float load and store (macros, not functions: a vector-typed argument would make the baseline
/// clone's calling convention depend on the target).
#define LOAD_VECTOR(p) ({ dl_vector v_; __builtin_memcpy(&v_, (p), sizeof v_); v_; })
#define STORE_VECTOR(p, v) do { dl_vector v_ = (v); __builtin_memcpy((p), &v_, sizeof v_); } while (0)

#endif
