package migrations

import "testing"

// Both dialects must carry the same versions under the same names.
func TestDialectsMatch(t *testing.T) {
	pg, err := For("postgres")
	if err != nil {
		t.Fatal(err)
	}
	lite, err := For("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) != len(lite) {
		t.Fatalf("postgres has %d migrations, sqlite %d", len(pg), len(lite))
	}
	for i := range pg {
		if pg[i].Version != lite[i].Version || pg[i].Name != lite[i].Name {
			t.Errorf("migration %d: postgres %d_%s, sqlite %d_%s", i, pg[i].Version, pg[i].Name, lite[i].Version, lite[i].Name)
		}
	}
	if _, err := For("oracle"); err == nil {
		t.Error("For(oracle) gave no error")
	}
}
