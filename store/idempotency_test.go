package store_test

import (
	"context"
	"testing"
	"time"

	"motcua/store/storetest"
)

// TestIdempotencyKeyLifetime: a claim, a repeat while it runs, its answer kept, then the key
// expired and new again; a claim left "in progress" taken over once stale; and the purge of
// expired keys.
func TestIdempotencyKeyLifetime(t *testing.T) {
	t.Parallel()
	st := storetest.MustOpen(t)
	ctx := context.Background()
	t0 := time.Date(2024, 3, 4, 2, 0, 0, 0, time.UTC)
	const ttl, stale = 24 * time.Hour, 10 * time.Minute
	claim := func(key, hash string, at time.Time) (status int, body string, mine bool) {
		t.Helper()
		prev, err := st.ClaimIdempotencyKey(ctx, "ward1.reception", key, hash, at, at.Add(-ttl), at.Add(-stale))
		if err != nil {
			t.Fatal(err)
		}
		if prev == nil {
			return 0, "", true
		}
		if prev.RequestHash != hash {
			return -1, "", false
		}
		return prev.Status, string(prev.Body), false
	}
	if _, _, mine := claim("k1", "h1", t0); !mine {
		t.Fatal("a new key was not claimed")
	}
	if status, _, mine := claim("k1", "h1", t0.Add(time.Minute)); mine || status != 0 {
		t.Fatalf("a repeat while running: mine %v, status %d; want in progress", mine, status)
	}
	if err := st.CompleteIdempotencyKey(ctx, "ward1.reception", "k1", 201, `"1"`, []byte(`{"code":"A"}`)); err != nil {
		t.Fatal(err)
	}
	if status, body, mine := claim("k1", "h1", t0.Add(ttl-time.Minute)); mine || status != 201 || body != `{"code":"A"}` {
		t.Fatalf("a repeat within the TTL: mine %v, %d %s; want the answer kept", mine, status, body)
	}
	// Another caller's key of the same name is theirs.
	if prev, err := st.ClaimIdempotencyKey(ctx, "ward2.reception", "k1", "h1", t0, t0.Add(-ttl), t0.Add(-stale)); err != nil || prev != nil {
		t.Fatalf("another caller's claim: %+v, %v", prev, err)
	}
	// Past the TTL the key is new again, even for another request.
	if _, _, mine := claim("k1", "h2", t0.Add(ttl+time.Second)); !mine {
		t.Fatal("an expired key was not claimed afresh")
	}
	if status, _, mine := claim("k1", "h2", t0.Add(ttl+2*time.Second)); mine || status != 0 {
		t.Fatalf("after the fresh claim: mine %v, status %d; want in progress", mine, status)
	}

	// A claim whose release failed: in progress until stale, then taken over.
	t1 := t0.Add(2 * time.Hour)
	claim("k2", "h1", t1)
	if _, _, mine := claim("k2", "h1", t1.Add(stale-time.Second)); mine {
		t.Fatal("a running claim was taken over before it was stale")
	}
	if _, _, mine := claim("k2", "h1", t1.Add(stale+time.Second)); !mine {
		t.Fatal("a stale claim was not taken over")
	}
	// A completed answer is never stale, only expired.
	claim("k3", "h1", t1)
	if err := st.CompleteIdempotencyKey(ctx, "ward1.reception", "k3", 200, "", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if status, _, mine := claim("k3", "h1", t1.Add(time.Hour)); mine || status != 200 {
		t.Fatalf("a completed key an hour on: mine %v, status %d", mine, status)
	}
	// Release drops a running claim only.
	if err := st.ReleaseIdempotencyKey(ctx, "ward1.reception", "k3"); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := claim("k3", "h1", t1.Add(time.Hour)); status != 200 {
		t.Fatalf("release dropped a completed answer (status %d)", status)
	}

	// The purge deletes what was recorded before the cut-off, nothing else.
	n, err := st.PurgeIdempotencyKeys(ctx, t1.Add(-time.Hour)) // k1 of ward2 (t0) only
	if err != nil || n != 1 {
		t.Fatalf("purge = %d, %v; want 1", n, err)
	}
	var left int64
	if err := st.DB().Raw("SELECT COUNT(*) FROM idempotency_keys").Scan(&left).Error; err != nil || left != 3 {
		t.Fatalf("%d keys left, %v; want 3", left, err)
	}
	if n, err := st.PurgeIdempotencyKeys(ctx, t0.Add(30*24*time.Hour)); err != nil || n != 3 {
		t.Fatalf("purge of all = %d, %v", n, err)
	}
}
