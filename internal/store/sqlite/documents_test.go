package sqlite

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/store"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden documents in testdata/documents")

// docKind is one kind of stored document for the golden test: how to store
// and read back a value through the store, and where its row is.
type docKind struct {
	name string
	// full has every member set; minimal only what identifies its row, so
	// its document shows which members are stored when zero.
	full, minimal any
	insert        func(ctx context.Context, tx store.Tx, v any) error
	get           func(ctx context.Context, tx store.Tx, v any) (any, error)
	// row locates the value's row: the table and the WHERE clause on it.
	row func(v any) (table, where string, args []any)
}

func definition[T any](t *testing.T, kind glue.Kind, coll func(store.Tx) store.Collection[T], name func(*T) string, minimal *T) docKind {
	return docKind{
		name: string(kind), full: gluetest.Filled[T](t), minimal: minimal,
		insert: func(ctx context.Context, tx store.Tx, v any) error { return coll(tx).Insert(ctx, name(v.(*T)), v.(*T)) },
		get: func(ctx context.Context, tx store.Tx, v any) (any, error) {
			return coll(tx).Get(ctx, name(v.(*T)))
		},
		row: func(v any) (string, string, []any) {
			return "resources", "kind = ? AND name = ?", []any{kind, name(v.(*T))}
		},
	}
}

func run[T any](t *testing.T, spec *runSpec[T], table func(store.Tx) runTable[T], minimal *T) docKind {
	return docKind{
		name: spec.Table, full: gluetest.Filled[T](t), minimal: minimal,
		insert: func(ctx context.Context, tx store.Tx, v any) error { return table(tx).Insert(ctx, v.(*T)) },
		get: func(ctx context.Context, tx store.Tx, v any) (any, error) {
			return table(tx).byID(ctx, spec.Row(v.(*T)).ID)
		},
		row: func(v any) (string, string, []any) { return spec.Table, "id = ?", []any{spec.Row(v.(*T)).ID} },
	}
}

func docKinds(t *testing.T) []docKind {
	t.Helper()
	return []docKind{
		definition(t, glue.KindWorkflow, store.Tx.Workflows, func(w *glue.Workflow) string { return w.Name },
			&glue.Workflow{Name: "w"}),
		definition(t, glue.KindTrigger, store.Tx.Triggers, func(tr *glue.Trigger) string { return tr.Name },
			&glue.Trigger{Name: "t"}),
		definition(t, glue.KindJob, store.Tx.Jobs, func(j *glue.Job) string { return j.Name }, &glue.Job{Name: "j"}),
		definition(t, glue.KindCrawler, store.Tx.Crawlers, func(c *glue.Crawler) string { return c.Name },
			&glue.Crawler{Name: "c"}),
		definition(t, glue.KindBlueprint, store.Tx.Blueprints, func(b *glue.BlueprintRecord) string { return b.Blueprint.Name },
			&glue.BlueprintRecord{Blueprint: glue.Blueprint{Name: "b"}}),
		run(t, workflowRunSpec, func(tx store.Tx) runTable[glue.WorkflowRunRecord] { return tx.WorkflowRuns().(workflowRuns).runTable },
			&glue.WorkflowRunRecord{Run: glue.WorkflowRun{WorkflowRunID: "wr"}}),
		run(t, jobRunSpec, func(tx store.Tx) runTable[glue.JobRunRecord] { return tx.JobRuns().(jobRuns).runTable },
			&glue.JobRunRecord{JobRun: glue.JobRun{ID: "jr"}}),
		run(t, crawlSpec, func(tx store.Tx) runTable[glue.CrawlRecord] { return tx.Crawls().(crawls).runTable },
			&glue.CrawlRecord{ID: "cr"}),
		run(t, blueprintRunSpec, func(tx store.Tx) runTable[glue.BlueprintRunRecord] {
			return tx.BlueprintRuns().(blueprintRuns).runTable
		},
			&glue.BlueprintRunRecord{Run: glue.BlueprintRun{RunID: "br"}}),
	}
}

// storedDoc reads a row's document and format version as they are stored.
func storedDoc(t *testing.T, b *testBundle, k docKind, v any) (string, int) {
	t.Helper()
	table, where, args := k.row(v)
	var doc string
	var version int
	require.NoError(t, b.store.read.QueryRowContext(b.ctx, `SELECT doc, doc_version FROM `+table+` WHERE `+where, args...).Scan(&doc, &version))
	return doc, version
}

// golden returns the compact form of a golden document, rewriting the file
// from stored first when -update is given and stored is not empty.
func golden(t *testing.T, file, stored string) string {
	t.Helper()
	if *updateGolden && stored != "" {
		var pretty bytes.Buffer
		require.NoError(t, json.Indent(&pretty, []byte(stored), "", "  "))
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, append(pretty.Bytes(), '\n'), 0o644))
	}
	raw, err := os.ReadFile(file)
	require.NoError(t, err, "run go test ./internal/store/sqlite -run Golden -update to create it")
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, raw))
	return compact.String()
}

// Ensure the stored form of every kind of document is exactly the golden
// one in testdata/documents/v<docVersion> (all members set, and only the
// identifying ones), and that the golden documents of every version this
// Epoxy reads, written into rows as that version, read back as the values
// that produced them. A change to a glue JSON tag, an omitempty or the
// timestamp format that alters storage fails here: decide then whether
// older rows stay readable (see docVersion). -update rewrites only the
// current version's files; older ones are kept as they were written.
func TestDocuments_Golden(t *testing.T) {
	t.Parallel()
	for _, k := range docKinds(t) {
		for variant, v := range map[string]any{"full": k.full, "minimal": k.minimal} {
			t.Run(k.name+"/"+variant, func(t *testing.T) {
				t.Parallel()
				b := setup(t, filepath.Join(t.TempDir(), "epoxy.db"))
				require.NoError(t, b.store.Update(b.ctx, func(tx store.Tx) error { return k.insert(b.ctx, tx, v) }))
				stored, version := storedDoc(t, b, k, v)
				require.Equal(t, docVersion, version)
				want := golden(t, goldenFile(docVersion, k.name, variant), stored)
				require.Equal(t, want, stored, "stored form of %s changed", k.name)

				for version := 1; version <= docVersion; version++ {
					old := golden(t, goldenFile(version, k.name, variant), "")
					table, where, args := k.row(v)
					_, err := b.store.write.ExecContext(b.ctx, `UPDATE `+table+` SET doc = ?, doc_version = ? WHERE `+where,
						append([]any{old, version}, args...)...)
					require.NoError(t, err)
					require.NoError(t, b.store.View(b.ctx, func(tx store.Tx) error {
						got, err := k.get(b.ctx, tx, v)
						require.NoError(t, err)
						require.Equal(t, v, got, "golden %s of version %d reads back", k.name, version)
						return nil
					}))
				}
			})
		}
	}
}

// goldenFile is where the golden document of a kind and variant in a
// format version is.
func goldenFile(version int, kind, variant string) string {
	return filepath.Join("testdata", "documents", "v"+strconv.Itoa(version), kind+"."+variant+".json")
}

// Ensure a row in a format version this Epoxy does not know fails to read
// with an error that says so, for definitions and runs alike, instead of
// being read as if it were the current format.
func TestDocuments_UnknownVersion(t *testing.T) {
	t.Parallel()
	b := setup(t, filepath.Join(t.TempDir(), "epoxy.db"))
	require.NoError(t, b.store.Update(b.ctx, func(tx store.Tx) error {
		if err := tx.Jobs().Insert(b.ctx, "j", &glue.Job{Name: "j"}); err != nil {
			return err
		}
		return tx.JobRuns().Insert(b.ctx, &glue.JobRunRecord{JobRun: glue.JobRun{ID: "jr", JobName: "j"}})
	}))
	for _, table := range []string{"resources", "job_runs"} {
		_, err := b.store.write.ExecContext(b.ctx, `UPDATE `+table+` SET doc_version = ?`, docVersion+1)
		require.NoError(t, err)
	}
	require.NoError(t, b.store.View(b.ctx, func(tx store.Tx) error {
		_, err := tx.Jobs().Get(b.ctx, "j")
		require.ErrorContains(t, err, "format version 3 is not one this Epoxy reads")
		_, err = tx.Jobs().List(b.ctx, glue.ListOptions{})
		require.ErrorContains(t, err, "format version 3")
		_, err = tx.JobRuns().Get(b.ctx, "j", "jr")
		require.ErrorContains(t, err, "format version 3")
		_, err = tx.JobRuns().List(b.ctx, "j", 0, 0)
		require.ErrorContains(t, err, "format version 3")
		return nil
	}))
}
