"""Units of work: each public function owns its transaction and commits."""
