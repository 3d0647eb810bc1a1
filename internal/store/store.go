// Package store is the persistence contract between Epoxy's services and its
// storage backends. Backends (store/sqlite now, PostgreSQL later) implement
// Store and prove it by passing the conformance suite in store/storetest.
//
// Backends translate their own failures into glue errors: a missing row is
// glue.EntityNotFound, a duplicate key glue.AlreadyExists.
package store

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Store runs transactions against durable storage.
type Store interface {
	// Update runs fn in a read-write transaction, committed when fn returns
	// nil and rolled back otherwise. Update transactions are serialised.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction that sees one consistent
	// snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Close releases the store. Committed transactions are durable.
	Close() error
}

// Tx is one transaction's view of the stored entities.
type Tx interface {
	Workflows() Collection[glue.Workflow]
	Triggers() Collection[glue.Trigger]
	Jobs() Collection[glue.Job]
	Crawlers() Collection[glue.Crawler]

	// Tags returns the tags of a resource (an empty map when it has none).
	Tags(ctx context.Context, r glue.Resource) (map[string]string, error)
	// AddTags merges tags into a resource's tags.
	AddTags(ctx context.Context, r glue.Resource, tags map[string]string) error
	// RemoveTags deletes the given keys from a resource's tags.
	RemoveTags(ctx context.Context, r glue.Resource, keys []string) error
}

// Collection stores the entities of one kind, keyed by name.
type Collection[T any] interface {
	// Get returns the named entity or glue.EntityNotFound.
	Get(ctx context.Context, name string) (*T, error)
	// Insert stores a new entity or fails with glue.AlreadyExists.
	Insert(ctx context.Context, name string, v *T) error
	// Replace overwrites an existing entity or fails with glue.EntityNotFound.
	Replace(ctx context.Context, name string, v *T) error
	// Delete removes the entity and its tags, reporting whether it existed.
	Delete(ctx context.Context, name string) (bool, error)
	// List returns entities in name order, starting after opts.After.
	List(ctx context.Context, opts glue.ListOptions) ([]*T, error)
}
