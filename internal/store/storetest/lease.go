package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/store"
)

// Ensure Leases keeps one lease per name: Get is nil for none, Put stores
// and replaces it whole (Until at millisecond precision), List filters by
// prefix in name order, Delete removes one, and a rolled-back Put leaves
// nothing.
func testLeases(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	get := func(name string) *store.Lease {
		t.Helper()
		var out *store.Lease
		b.view(t, func(tx store.Tx) error {
			var err error
			out, err = tx.Leases().Get(ctx, name)
			return err
		})
		return out
	}
	put := func(l *store.Lease) {
		t.Helper()
		b.update(t, func(tx store.Tx) error { return tx.Leases().Put(ctx, l) })
	}
	list := func(prefix string) []string {
		t.Helper()
		var names []string
		b.view(t, func(tx store.Tx) error {
			ls, err := tx.Leases().List(ctx, prefix)
			for _, l := range ls {
				names = append(names, l.Name)
			}
			return err
		})
		return names
	}
	require.Nil(t, get("leader"))

	at := time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC)
	first := &store.Lease{Name: "leader", Holder: "a", Term: 1, Until: at, Info: "serve"}
	put(first)
	require.Equal(t, first, get("leader"))
	second := &store.Lease{Name: "leader", Holder: "b", Term: 2, Until: at.Add(time.Second)}
	put(second)
	require.Equal(t, second, get("leader"), "Put replaces the whole lease")

	put(&store.Lease{Name: "node:b", Holder: "x", Term: 1, Until: at})
	put(&store.Lease{Name: "node:a", Holder: "y", Term: 1, Until: at})
	put(&store.Lease{Name: "nodes", Holder: "z", Term: 1, Until: at})
	require.Equal(t, []string{"node:a", "node:b"}, list("node:"))
	require.Equal(t, []string{"leader", "node:a", "node:b", "nodes"}, list(""))

	rollback := errors.New("roll back")
	err := b.store.Update(ctx, func(tx store.Tx) error {
		require.NoError(t, tx.Leases().Put(ctx, &store.Lease{Name: "rolled", Holder: "h", Until: at}))
		return rollback
	})
	require.ErrorIs(t, err, rollback)
	require.Nil(t, get("rolled"), "a rolled-back Put stores nothing")

	b.update(t, func(tx store.Tx) error { return tx.Leases().Delete(ctx, "node:a") })
	require.Nil(t, get("node:a"))
	require.NotNil(t, get("node:b"), "Delete removes one lease only")
	b.update(t, func(tx store.Tx) error { return tx.Leases().Delete(ctx, "never") })
}

// Ensure Settings keeps one value per name, replaced by Put.
func testSettings(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	get := func(name string) (string, bool) {
		t.Helper()
		var v string
		var ok bool
		b.view(t, func(tx store.Tx) error {
			var err error
			v, ok, err = tx.Settings().Get(ctx, name)
			return err
		})
		return v, ok
	}
	_, ok := get("token-key")
	require.False(t, ok)
	b.update(t, func(tx store.Tx) error { return tx.Settings().Put(ctx, "token-key", "a") })
	v, ok := get("token-key")
	require.True(t, ok)
	require.Equal(t, "a", v)
	b.update(t, func(tx store.Tx) error { return tx.Settings().Put(ctx, "token-key", "b") })
	v, _ = get("token-key")
	require.Equal(t, "b", v)
	_, ok = get("Token-key")
	require.False(t, ok, "names are case-sensitive")
}
