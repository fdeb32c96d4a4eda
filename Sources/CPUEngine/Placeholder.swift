// CPUEngine: placeholder until its first type lands.
