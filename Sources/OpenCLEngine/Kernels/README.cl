// Kernels are added by the OpenCL engine.
