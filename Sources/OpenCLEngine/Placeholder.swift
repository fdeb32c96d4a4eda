// OpenCLEngine: placeholder until its first type lands.
