// Package storetest is the conformance suite for store.Store. Every backend
// runs it from its own tests:
//
//	func TestStore(t *testing.T) {
//		t.Parallel()
//		storetest.Exercise(t, func(t *testing.T) store.Store { ... })
//	}
//
// The suite checks the contract documented in package store: the five
// definition collections, tags, list filters and keyset pages; workflow
// runs, job runs, crawls and blueprint runs (Seq, newest-first pages,
// state queries, deletion by owner); firings, schedules, events and job
// bookmarks; expiry of ended history; full
// round trips of every stored type; and the transaction guarantees
// (rollback, snapshots, serialised updates).
package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// OpenFunc opens a new, empty store for one test. It registers the store's
// Close with t.Cleanup and fails t when the store cannot be opened.
type OpenFunc func(t *testing.T) store.Store

// Exercise runs the whole conformance suite against the backend that open
// creates. Every subtest runs in parallel on a store of its own.
func Exercise(t *testing.T, open OpenFunc) {
	t.Helper()
	t.Run("Workflows", func(t *testing.T) {
		t.Parallel()
		exerciseCollection(t, open, workflows)
	})
	t.Run("Triggers", func(t *testing.T) {
		t.Parallel()
		exerciseCollection(t, open, triggers)
	})
	t.Run("Jobs", func(t *testing.T) {
		t.Parallel()
		exerciseCollection(t, open, jobs)
	})
	t.Run("Crawlers", func(t *testing.T) {
		t.Parallel()
		exerciseCollection(t, open, crawlers)
	})
	t.Run("Blueprints", func(t *testing.T) {
		t.Parallel()
		exerciseCollection(t, open, blueprints)
	})
	t.Run("Classifiers", func(t *testing.T) {
		t.Parallel()
		exerciseCollection(t, open, classifiers)
	})
	t.Run("Functions", func(t *testing.T) {
		t.Parallel()
		exerciseCollection(t, open, functions)
	})
	t.Run("Namespaces", func(t *testing.T) {
		t.Parallel()
		testNamespaces(t, open)
	})
	t.Run("Tags", func(t *testing.T) {
		t.Parallel()
		testTags(t, open)
	})
	t.Run("TriggerFilters", func(t *testing.T) {
		t.Parallel()
		testTriggerFilters(t, open)
	})
	t.Run("Transactions", func(t *testing.T) {
		t.Parallel()
		testTransactions(t, open)
	})
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		testRoundTrip(t, open)
	})
	t.Run("WorkflowRuns", func(t *testing.T) {
		t.Parallel()
		testWorkflowRuns(t, open)
	})
	t.Run("JobRuns", func(t *testing.T) {
		t.Parallel()
		testJobRuns(t, open)
	})
	t.Run("Crawls", func(t *testing.T) {
		t.Parallel()
		exerciseRuns(t, open, crawls)
	})
	t.Run("BlueprintRuns", func(t *testing.T) {
		t.Parallel()
		exerciseRuns(t, open, blueprintRuns)
	})
	t.Run("OfWorkflowRun", func(t *testing.T) {
		t.Parallel()
		testOfWorkflowRun(t, open)
	})
	t.Run("Firings", func(t *testing.T) {
		t.Parallel()
		testFirings(t, open)
	})
	t.Run("Schedules", func(t *testing.T) {
		t.Parallel()
		testSchedules(t, open)
	})
	t.Run("Events", func(t *testing.T) {
		t.Parallel()
		testEvents(t, open)
	})
	t.Run("Retention", func(t *testing.T) {
		t.Parallel()
		testRetention(t, open)
	})
	t.Run("JobBookmarks", func(t *testing.T) {
		t.Parallel()
		testJobBookmarks(t, open)
	})
	t.Run("Leases", func(t *testing.T) {
		t.Parallel()
		testLeases(t, open)
	})
	t.Run("Settings", func(t *testing.T) {
		t.Parallel()
		testSettings(t, open)
	})
	t.Run("Catalog", func(t *testing.T) {
		t.Parallel()
		testCatalog(t, open)
	})
}

// bundle is one subtest's store and context.
type bundle struct {
	store store.Store
	ctx   context.Context
}

func setup(t *testing.T, open OpenFunc) *bundle {
	t.Helper()
	s := open(t)
	require.NotNil(t, s)
	return &bundle{store: s, ctx: t.Context()}
}

// update runs fn in a transaction that must commit.
func (b *bundle) update(t *testing.T, fn func(tx store.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.Update(b.ctx, fn))
}

// view runs fn in a read transaction that must succeed.
func (b *bundle) view(t *testing.T, fn func(tx store.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.View(b.ctx, fn))
}

// requireCode asserts that err is a glue error with the given code.
func requireCode(t *testing.T, err error, code glue.ErrorCode, fragments ...string) {
	t.Helper()
	require.Error(t, err)
	require.True(t, glue.IsCode(err, code), "want %s, got %v (%s)", code, err, glue.CodeOf(err))
	for _, f := range fragments {
		require.Contains(t, err.Error(), f)
	}
}

// ms is a fixed instant with millisecond precision, the precision the API
// gives every timestamp.
var ms = time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC)

var timeType = reflect.TypeFor[time.Time]()

// inUTC rewrites every time.Time reachable from v (a pointer) to UTC, so a
// backend may hand back times in any location as long as the instant is
// the same.
func inUTC(v any) {
	walkUTC(reflect.ValueOf(v))
}

func walkUTC(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkUTC(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			if v.CanSet() {
				v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
			}
			return
		}
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				walkUTC(f)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			walkUTC(v.Index(i))
		}
	}
}
