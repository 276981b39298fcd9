"""人才险's units of work beside the engine: the insurers' terms."""
