package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// tx implements store.Tx on one PostgreSQL transaction.
type tx struct {
	c pgx.Tx
}

func (t *tx) Workflows() store.Collection[glue.Workflow] {
	return &collection[glue.Workflow]{tx: t.c, kind: glue.KindWorkflow}
}

func (t *tx) Triggers() store.Collection[glue.Trigger] {
	return &collection[glue.Trigger]{tx: t.c, kind: glue.KindTrigger}
}

func (t *tx) Jobs() store.Collection[glue.Job] {
	return &collection[glue.Job]{tx: t.c, kind: glue.KindJob}
}

func (t *tx) Crawlers() store.Collection[glue.Crawler] {
	return &collection[glue.Crawler]{tx: t.c, kind: glue.KindCrawler}
}

func (t *tx) Blueprints() store.Collection[glue.BlueprintRecord] {
	return &collection[glue.BlueprintRecord]{tx: t.c, kind: glue.KindBlueprint}
}

func (t *tx) Classifiers() store.Collection[glue.Classifier] {
	return &collection[glue.Classifier]{tx: t.c, kind: glue.KindClassifier}
}

func (t *tx) Functions() store.Collection[glue.UserDefinedFunction] {
	return &collection[glue.UserDefinedFunction]{tx: t.c, kind: glue.KindUserDefinedFunction}
}

func (t *tx) Tags(ctx context.Context, r glue.Resource) (map[string]string, error) {
	rows, err := t.c.Query(ctx, `SELECT key, value FROM tags WHERE kind = $1 AND name = $2`, r.Kind, r.Name)
	if err != nil {
		return nil, fmt.Errorf("get tags: %w", err)
	}
	defer rows.Close()
	tags := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("get tags: %w", err)
		}
		tags[k] = v
	}
	return tags, rows.Err()
}

func (t *tx) AddTags(ctx context.Context, r glue.Resource, tags map[string]string) error {
	for k, v := range tags {
		if _, err := t.c.Exec(ctx, `INSERT INTO tags (kind, name, key, value) VALUES ($1, $2, $3, $4)
			ON CONFLICT (kind, name, key) DO UPDATE SET value = excluded.value`, r.Kind, r.Name, k, v); err != nil {
			return fmt.Errorf("add tags: %w", err)
		}
	}
	return nil
}

func (t *tx) RemoveTags(ctx context.Context, r glue.Resource, keys []string) error {
	if _, err := t.c.Exec(ctx, `DELETE FROM tags WHERE kind = $1 AND name = $2 AND key = ANY($3)`, r.Kind, r.Name, keys); err != nil {
		return fmt.Errorf("remove tags: %w", err)
	}
	return nil
}

// collection implements store.Collection for one kind of the resources table.
type collection[T any] struct {
	tx   pgx.Tx
	kind glue.Kind
}

func (c *collection[T]) Get(ctx context.Context, name string) (*T, error) {
	var doc string
	var version int
	err := c.tx.QueryRow(ctx, `SELECT doc_version, doc FROM resources WHERE kind = $1 AND name = $2`, c.kind, name).Scan(&version, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, glue.NotFound(c.kind, name)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", c.kind, err)
	}
	return store.DecodeDoc[T](doc, version)
}

func (c *collection[T]) Insert(ctx context.Context, name string, v *T) error {
	doc, err := store.EncodeDoc(v)
	if err != nil {
		return fmt.Errorf("insert %s: %w", c.kind, err)
	}
	tag, err := c.tx.Exec(ctx, `INSERT INTO resources (kind, name, doc, doc_version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		c.kind, name, doc, store.DocVersion)
	if err != nil {
		return fmt.Errorf("insert %s: %w", c.kind, err)
	}
	if tag.RowsAffected() == 0 {
		return glue.Errorf(glue.AlreadyExists, "%s %s already exists", c.kind.Title(), name)
	}
	return nil
}

func (c *collection[T]) Replace(ctx context.Context, name string, v *T) error {
	doc, err := store.EncodeDoc(v)
	if err != nil {
		return fmt.Errorf("replace %s: %w", c.kind, err)
	}
	tag, err := c.tx.Exec(ctx, `UPDATE resources SET doc = $1, doc_version = $2 WHERE kind = $3 AND name = $4`,
		doc, store.DocVersion, c.kind, name)
	if err != nil {
		return fmt.Errorf("replace %s: %w", c.kind, err)
	}
	if tag.RowsAffected() == 0 {
		return glue.NotFound(c.kind, name)
	}
	return nil
}

func (c *collection[T]) Delete(ctx context.Context, name string) (bool, error) {
	tag, err := c.tx.Exec(ctx, `DELETE FROM resources WHERE kind = $1 AND name = $2`, c.kind, name)
	if err != nil {
		return false, fmt.Errorf("delete %s: %w", c.kind, err)
	}
	if _, err := c.tx.Exec(ctx, `DELETE FROM tags WHERE kind = $1 AND name = $2`, c.kind, name); err != nil {
		return false, fmt.Errorf("delete %s tags: %w", c.kind, err)
	}
	return tag.RowsAffected() > 0, nil
}

func (c *collection[T]) List(ctx context.Context, opts glue.ListOptions) ([]*T, error) {
	var out []*T
	err := c.scan(ctx, "doc_version, doc", opts, func(rows pgx.Rows) error {
		var version int
		var doc string
		if err := rows.Scan(&version, &doc); err != nil {
			return fmt.Errorf("list %s: %w", c.kind, err)
		}
		v, err := store.DecodeDoc[T](doc, version)
		out = append(out, v)
		return err
	})
	return out, err
}

func (c *collection[T]) Names(ctx context.Context, opts glue.ListOptions) ([]string, error) {
	var out []string
	err := c.scan(ctx, "name", opts, func(rows pgx.Rows) error {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("list %s: %w", c.kind, err)
		}
		out = append(out, name)
		return nil
	})
	return out, err
}

// query builds a statement with numbered parameters.
type query struct {
	b    strings.Builder
	args []any
}

// arg adds a parameter and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// scan runs the listing query for opts, selecting columns of each matching
// row in name order, and hands each row to fn.
func (c *collection[T]) scan(ctx context.Context, columns string, opts glue.ListOptions, fn func(pgx.Rows) error) error {
	q := &query{}
	q.b.WriteString(`SELECT ` + columns + ` FROM resources r WHERE kind = ` + q.arg(c.kind) + ` AND name > ` + q.arg(opts.After))
	if opts.Workflow != "" {
		q.b.WriteString(` AND (doc::json) ->> 'WorkflowName' = ` + q.arg(opts.Workflow))
	}
	if opts.DependentJob != "" {
		q.b.WriteString(` AND EXISTS (SELECT 1 FROM json_array_elements(CASE WHEN json_typeof((doc::json) -> 'Actions') = 'array'
			THEN (doc::json) -> 'Actions' ELSE '[]' END) a WHERE a ->> 'JobName' = ` + q.arg(opts.DependentJob) + `)`)
	}
	for k, v := range opts.Tags {
		q.b.WriteString(` AND EXISTS (SELECT 1 FROM tags t WHERE t.kind = r.kind AND t.name = r.name AND t.key = ` + q.arg(k) +
			` AND t.value = ` + q.arg(v) + `)`)
	}
	q.b.WriteString(` ORDER BY name`)
	if opts.Limit > 0 {
		q.b.WriteString(` LIMIT ` + q.arg(opts.Limit))
	}
	rows, err := c.tx.Query(ctx, q.b.String(), q.args...)
	if err != nil {
		return fmt.Errorf("list %s: %w", c.kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
