// DLTrainKit: placeholder until its first type lands.
