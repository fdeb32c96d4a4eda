/* cblas.h of Debian's OpenBLAS also declares openblas_get_corename / openblas_set_num_threads. */
#include <cblas.h>
