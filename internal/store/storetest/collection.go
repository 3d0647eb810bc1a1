package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// kind describes one definition collection to the generic tests: how to
// reach it in a transaction and how to build an entity whose Description
// tells versions apart.
type kind[T any] struct {
	kind        glue.Kind
	collection  func(store.Tx) store.Collection[T]
	make        func(name, description string) *T
	name        func(*T) string
	description func(*T) string
}

func describe(d string) *string { return &d }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var workflows = kind[glue.Workflow]{
	kind:       glue.KindWorkflow,
	collection: store.Tx.Workflows,
	make: func(name, d string) *glue.Workflow {
		return &glue.Workflow{Name: name, Description: describe(d), CreatedOn: glue.At(ms), LastModifiedOn: glue.At(ms)}
	},
	name:        func(w *glue.Workflow) string { return w.Name },
	description: func(w *glue.Workflow) string { return deref(w.Description) },
}

var triggers = kind[glue.Trigger]{
	kind:       glue.KindTrigger,
	collection: store.Tx.Triggers,
	make: func(name, d string) *glue.Trigger {
		return &glue.Trigger{Name: name, ID: "tid-" + name, Type: glue.TriggerOnDemand, State: glue.TriggerCreated,
			Description: describe(d), Actions: []glue.Action{{JobName: "job"}}}
	},
	name:        func(t *glue.Trigger) string { return t.Name },
	description: func(t *glue.Trigger) string { return deref(t.Description) },
}

var jobs = kind[glue.Job]{
	kind:       glue.KindJob,
	collection: store.Tx.Jobs,
	make: func(name, d string) *glue.Job {
		return &glue.Job{Name: name, Role: "arn:aws:iam::123456789012:role/glue", Description: describe(d),
			Command: glue.JobCommand{Name: glue.CommandPythonShell, ScriptLocation: "/scripts/" + name + ".py"}, CreatedOn: glue.At(ms), LastModifiedOn: glue.At(ms)}
	},
	name:        func(j *glue.Job) string { return j.Name },
	description: func(j *glue.Job) string { return deref(j.Description) },
}

var crawlers = kind[glue.Crawler]{
	kind:       glue.KindCrawler,
	collection: store.Tx.Crawlers,
	make: func(name, d string) *glue.Crawler {
		return &glue.Crawler{Name: name, Role: "role", Description: describe(d), State: glue.CrawlerStateReady,
			Targets: glue.CrawlerTargets{S3Targets: []glue.S3Target{{Path: "/data/" + name}}}, CreationTime: glue.At(ms), LastUpdated: glue.At(ms), Version: 1}
	},
	name:        func(c *glue.Crawler) string { return c.Name },
	description: func(c *glue.Crawler) string { return deref(c.Description) },
}

var blueprints = kind[glue.BlueprintRecord]{
	kind:       glue.KindBlueprint,
	collection: store.Tx.Blueprints,
	make: func(name, d string) *glue.BlueprintRecord {
		return &glue.BlueprintRecord{Blueprint: glue.Blueprint{Name: name, Description: describe(d), CreatedOn: glue.At(ms), LastModifiedOn: glue.At(ms),
			BlueprintLocation: "s3://blueprints/" + name + ".zip", Status: glue.BlueprintActive}, Version: 1}
	},
	name:        func(b *glue.BlueprintRecord) string { return b.Blueprint.Name },
	description: func(b *glue.BlueprintRecord) string { return deref(b.Blueprint.Description) },
}

var classifiers = kind[glue.Classifier]{
	kind:       glue.KindClassifier,
	collection: store.Tx.Classifiers,
	make: func(name, d string) *glue.Classifier {
		return &glue.Classifier{GrokClassifier: &glue.GrokClassifier{ClassifierMeta: glue.ClassifierMeta{Name: name, CreationTime: glue.At(ms), LastUpdated: glue.At(ms), Version: 1},
			Classification: "logs", GrokPattern: "%{WORD:w}" + d}}
	},
	name:        func(c *glue.Classifier) string { return c.Meta().Name },
	description: func(c *glue.Classifier) string { return strings.TrimPrefix(c.GrokClassifier.GrokPattern, "%{WORD:w}") },
}

var functions = kind[glue.UserDefinedFunction]{
	kind:       glue.KindUserDefinedFunction,
	collection: store.Tx.Functions,
	make: func(name, d string) *glue.UserDefinedFunction {
		return &glue.UserDefinedFunction{FunctionName: name, DatabaseName: "db", ClassName: d, FunctionType: "REGULAR_FUNCTION", CreateTime: glue.At(ms)}
	},
	name:        func(f *glue.UserDefinedFunction) string { return f.FunctionName },
	description: func(f *glue.UserDefinedFunction) string { return f.ClassName },
}

func exerciseCollection[T any](t *testing.T, open OpenFunc, k kind[T]) {
	t.Helper()
	t.Run("CRUD", func(t *testing.T) {
		t.Parallel()
		testCRUD(t, open, k)
	})
	t.Run("Isolation", func(t *testing.T) {
		t.Parallel()
		testIsolation(t, open, k)
	})
	t.Run("ListOrderAndPages", func(t *testing.T) {
		t.Parallel()
		testListPages(t, open, k)
	})
	t.Run("ListTagFilter", func(t *testing.T) {
		t.Parallel()
		testTagFilter(t, open, k)
	})
}

// names lists the names of entities in order.
func names[T any](k kind[T], vs []*T) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, k.name(v))
	}
	return out
}

// Ensure Insert, Get, Replace and Delete keep an entity by name, report
// duplicates as AlreadyExists and missing entities as EntityNotFound.
func testCRUD[T any](t *testing.T, open OpenFunc, k kind[T]) {
	b := setup(t, open)
	ctx := b.ctx

	b.view(t, func(tx store.Tx) error {
		_, err := k.collection(tx).Get(ctx, "etl")
		requireCode(t, err, glue.EntityNotFound, "etl")
		return nil
	})

	b.update(t, func(tx store.Tx) error {
		return k.collection(tx).Insert(ctx, "etl", k.make("etl", "v1"))
	})
	b.view(t, func(tx store.Tx) error {
		got, err := k.collection(tx).Get(ctx, "etl")
		require.NoError(t, err)
		require.Equal(t, "etl", k.name(got))
		require.Equal(t, "v1", k.description(got))
		return nil
	})

	err := b.store.Update(ctx, func(tx store.Tx) error {
		return k.collection(tx).Insert(ctx, "etl", k.make("etl", "v2"))
	})
	requireCode(t, err, glue.AlreadyExists, "etl")

	b.update(t, func(tx store.Tx) error {
		return k.collection(tx).Replace(ctx, "etl", k.make("etl", "v3"))
	})
	b.view(t, func(tx store.Tx) error {
		got, err := k.collection(tx).Get(ctx, "etl")
		require.NoError(t, err)
		require.Equal(t, "v3", k.description(got), "Replace overwrites; the failed Insert changed nothing")
		return nil
	})

	err = b.store.Update(ctx, func(tx store.Tx) error {
		return k.collection(tx).Replace(ctx, "missing", k.make("missing", "x"))
	})
	requireCode(t, err, glue.EntityNotFound, "missing")
	b.view(t, func(tx store.Tx) error {
		_, err := k.collection(tx).Get(ctx, "missing")
		requireCode(t, err, glue.EntityNotFound)
		return nil
	})

	b.update(t, func(tx store.Tx) error {
		existed, err := k.collection(tx).Delete(ctx, "etl")
		require.NoError(t, err)
		require.True(t, existed)
		existed, err = k.collection(tx).Delete(ctx, "etl")
		require.NoError(t, err)
		require.False(t, existed, "deleting twice reports the entity is gone")
		_, err = k.collection(tx).Get(ctx, "etl")
		requireCode(t, err, glue.EntityNotFound) // a transaction sees its own writes
		return nil
	})
	b.view(t, func(tx store.Tx) error {
		_, err := k.collection(tx).Get(ctx, "etl")
		requireCode(t, err, glue.EntityNotFound)
		all, err := k.collection(tx).List(ctx, glue.ListOptions{})
		require.NoError(t, err)
		require.Empty(t, all)
		return nil
	})

	b.update(t, func(tx store.Tx) error {
		return k.collection(tx).Insert(ctx, "etl", k.make("etl", "again"))
	})
	b.view(t, func(tx store.Tx) error {
		got, err := k.collection(tx).Get(ctx, "etl")
		require.NoError(t, err)
		require.Equal(t, "again", k.description(got), "a deleted name can be reused")
		return nil
	})
}

// Ensure values handed to and returned by the store do not alias what it
// keeps: changing them afterwards changes nothing stored.
func testIsolation[T any](t *testing.T, open OpenFunc, k kind[T]) {
	b := setup(t, open)
	ctx := b.ctx
	v := k.make("iso", "stored")
	b.update(t, func(tx store.Tx) error { return k.collection(tx).Insert(ctx, "iso", v) })
	*v = *k.make("iso", "changed after insert")

	b.view(t, func(tx store.Tx) error {
		got, err := k.collection(tx).Get(ctx, "iso")
		require.NoError(t, err)
		require.Equal(t, "stored", k.description(got))
		*got = *k.make("iso", "changed after get")
		again, err := k.collection(tx).Get(ctx, "iso")
		require.NoError(t, err)
		require.Equal(t, "stored", k.description(again))
		return nil
	})
}

// pageNames are names whose byte order differs from case-insensitive or
// locale order, so a backend must sort exactly as Go compares strings.
var pageNames = []string{
	"beta", "Alpha", "alpha", "_under", "1num", "Éclair", "zeta", "a b", "a-b", "a.b", "a_b", "a", "aa", "b",
	"Zulu", "ñandu", "日本", "😀emoji", "~tilde", "a\tb",
}

// Ensure List returns entities in byte order of their names and pages by
// keyset: After excludes the name given, even one that does not exist, and
// Limit caps a page.
func testListPages[T any](t *testing.T, open OpenFunc, k kind[T]) {
	b := setup(t, open)
	ctx := b.ctx
	want := slices.Sorted(slices.Values(pageNames))
	shuffled := slices.Clone(pageNames)
	rand.New(rand.NewPCG(7, 11)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b.update(t, func(tx store.Tx) error {
		for _, n := range shuffled {
			if err := k.collection(tx).Insert(ctx, n, k.make(n, "d-"+n)); err != nil {
				return err
			}
		}
		return nil
	})

	b.view(t, func(tx store.Tx) error {
		c := k.collection(tx)
		all := listBoth(t, k, c, glue.ListOptions{})
		require.Equal(t, want, names(k, all))
		for _, v := range all {
			require.Equal(t, "d-"+k.name(v), k.description(v), "each entity is the one stored under its name")
		}

		for _, limit := range []int{1, 3, 7, len(want), len(want) + 5} {
			var walked []string
			after := ""
			for pages := 0; ; pages++ {
				require.Less(t, pages, len(want)+2, "paging terminates")
				page := listBoth(t, k, c, glue.ListOptions{After: after, Limit: limit})
				require.LessOrEqual(t, len(page), limit)
				if len(page) == 0 {
					break
				}
				walked = append(walked, names(k, page)...)
				after = k.name(page[len(page)-1])
			}
			require.Equal(t, want, walked, "limit %d", limit)
		}

		page := listBoth(t, k, c, glue.ListOptions{After: "ab"})
		i, found := slices.BinarySearch(want, "ab")
		require.False(t, found)
		require.Equal(t, want[i:], names(k, page), "After a name that does not exist")
		require.Contains(t, names(k, page), "alpha", `"alpha" sorts after "ab"`)

		page = listBoth(t, k, c, glue.ListOptions{After: "a", Limit: 2})
		require.Equal(t, []string{"a\tb", "a b"}, names(k, page), "After excludes the name itself")

		page = listBoth(t, k, c, glue.ListOptions{After: want[len(want)-1]})
		require.Empty(t, page, "nothing after the last name")
		return nil
	})
}

// Ensure the Tags filter keeps only entities carrying every given
// key/value pair, combines with paging, and matches case-sensitively.
func testTagFilter[T any](t *testing.T, open OpenFunc, k kind[T]) {
	b := setup(t, open)
	ctx := b.ctx
	odd := `k'"; --`
	tagged := map[string]map[string]string{
		"e1": {"team": "data", "env": "prod"},
		"e2": {"team": "data"},
		"e3": {"team": "ml", "env": "prod", odd: "v'1"},
		"e4": nil,
		"e5": {"team": "data", "env": "prod", "tier": "gold"},
	}
	b.update(t, func(tx store.Tx) error {
		for name, tags := range tagged {
			if err := k.collection(tx).Insert(ctx, name, k.make(name, "")); err != nil {
				return err
			}
			if tags != nil {
				if err := tx.AddTags(ctx, glue.Resource{Kind: k.kind, Name: name}, tags); err != nil {
					return err
				}
			}
		}
		// The same tags on another kind's entity of another name must not
		// leak into this kind's listing.
		other := glue.KindWorkflow
		if k.kind == glue.KindWorkflow {
			other = glue.KindJob
		}
		return tx.AddTags(ctx, glue.Resource{Kind: other, Name: "e9"}, map[string]string{"team": "data"})
	})

	tests := []struct {
		tags map[string]string
		want []string
	}{
		{nil, []string{"e1", "e2", "e3", "e4", "e5"}},
		{map[string]string{}, []string{"e1", "e2", "e3", "e4", "e5"}},
		{map[string]string{"team": "data"}, []string{"e1", "e2", "e5"}},
		{map[string]string{"team": "data", "env": "prod"}, []string{"e1", "e5"}},
		{map[string]string{"env": "prod"}, []string{"e1", "e3", "e5"}},
		{map[string]string{"team": "data", "env": "prod", "tier": "gold"}, []string{"e5"}},
		{map[string]string{"team": "data", "env": "dev"}, nil},
		{map[string]string{"team": "DATA"}, nil},
		{map[string]string{"Team": "data"}, nil},
		{map[string]string{"nope": ""}, nil},
		{map[string]string{odd: "v'1"}, []string{"e3"}},
	}
	b.view(t, func(tx store.Tx) error {
		for _, tt := range tests {
			got := listBoth(t, k, k.collection(tx), glue.ListOptions{Tags: tt.tags})
			require.Equal(t, tt.want, nilIfEmpty(names(k, got)), "tags %v", tt.tags)
		}
		page := listBoth(t, k, k.collection(tx), glue.ListOptions{Tags: map[string]string{"team": "data"}, Limit: 2})
		require.Equal(t, []string{"e1", "e2"}, names(k, page))
		page = listBoth(t, k, k.collection(tx), glue.ListOptions{Tags: map[string]string{"team": "data"}, After: "e2", Limit: 2})
		require.Equal(t, []string{"e5"}, names(k, page))
		return nil
	})
}

// listBoth lists with List and with Names and requires that both name the
// same entities in the same order, so every listing test covers Names too.
func listBoth[T any](t *testing.T, k kind[T], c store.Collection[T], opts glue.ListOptions) []*T {
	t.Helper()
	ctx := t.Context()
	vs, err := c.List(ctx, opts)
	require.NoError(t, err)
	ns, err := c.Names(ctx, opts)
	require.NoError(t, err)
	require.Equal(t, nilIfEmpty(names(k, vs)), nilIfEmpty(ns), "Names agrees with List for %+v", opts)
	return vs
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// mustInsert inserts entities of one kind in their own transaction.
func mustInsert[T any](t *testing.T, b *bundle, k kind[T], vs ...*T) {
	t.Helper()
	b.update(t, func(tx store.Tx) error {
		for _, v := range vs {
			if err := k.collection(tx).Insert(b.ctx, k.name(v), v); err != nil {
				return fmt.Errorf("insert %s: %w", k.name(v), err)
			}
		}
		return nil
	})
}
