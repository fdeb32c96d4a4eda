#ifndef DLTRAIN_VECTOR_SUPPORT_H
#define DLTRAIN_VECTOR_SUPPORT_H

/// What the C kernels share: multi-versioning, the vector types, lane selection and short-run copies.

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

/// 8- and 4-float vectors, for the ends of short runs.
typedef float dl_half __attribute__((vector_size(32)));
typedef float dl_quarter __attribute__((vector_size(16)));
#define LOAD_HALF(p) ({ dl_half h_; __builtin_memcpy(&h_, (p), sizeof h_); h_; })
#define STORE_HALF(p, v) do { dl_half h_ = (v); __builtin_memcpy((p), &h_, sizeof h_); } while (0)
#define LOAD_QUARTER(p) ({ dl_quarter q_; __builtin_memcpy(&q_, (p), sizeof q_); q_; })
#define STORE_QUARTER(p, v) do { dl_quarter q_ = (v); __builtin_memcpy((p), &q_, sizeof q_); } while (0)

typedef int dl_mask __attribute__((vector_size(64)));

/// Lanes of `a` where `mask` is set, of `b` elsewhere (bitwise, so it also carries float offsets exactly).
#define SELECT(mask, a, b)                                                                                         \
    ({                                                                                                             \
        dl_mask m_ = (mask), a_, b_;                                                                               \
        dl_vector r_;                                                                                              \
        dl_vector av_ = (a), bv_ = (b);                                                                            \
        __builtin_memcpy(&a_, &av_, sizeof a_);                                                                    \
        __builtin_memcpy(&b_, &bv_, sizeof b_);                                                                    \
        a_ = (a_ & m_) | (b_ & ~m_);                                                                               \
        __builtin_memcpy(&r_, &a_, sizeof r_);                                                                     \
        r_;                                                                                                        \
    })

/// target[0 ..< count] = source[0 ..< count] in vectors that may overlap each other but never reach outside the run
/// (a plane's rows are short: a copy loop's prologue and remainder, or a memcpy call, cost more than the copy).
static inline __attribute__((always_inline)) void copy_run(float *restrict target, const float *restrict source,
                                                           int count) {
    if (count >= 16) {
        int c = 0;
        for (; c + 16 <= count; c += 16) STORE_VECTOR(target + c, LOAD_VECTOR(source + c));
        if (c < count) STORE_VECTOR(target + count - 16, LOAD_VECTOR(source + count - 16));
    } else if (count >= 8) {
        dl_half first = LOAD_HALF(source), last = LOAD_HALF(source + count - 8);
        STORE_HALF(target, first);
        STORE_HALF(target + count - 8, last);
    } else if (count >= 4) {
        dl_quarter first = LOAD_QUARTER(source), last = LOAD_QUARTER(source + count - 4);
        STORE_QUARTER(target, first);
        STORE_QUARTER(target + count - 4, last);
    } else {
        for (int c = 0; c < count; c++) target[c] = source[c];
    }
}

#endif
