import EngineFactory

// OpenBLAS reads its kernel choice at load time, so this may re-execute the process before anything else runs.
ProcessSetup.selectBLASCore()
DLTrain.main()
