// EngineFactory: placeholder until the factory lands.
