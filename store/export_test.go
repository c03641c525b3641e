package store

// CataloguePeek reports whether the catalogue cache keeps procedure code (for tests).
func CataloguePeek(s *Store, code string) bool {
	_, ok := s.catalogue().Get(code)
	return ok
}
