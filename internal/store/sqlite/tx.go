package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// tx implements store.Tx on one SQL transaction.
type tx struct {
	c *conn
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

func (t *tx) Tags(ctx context.Context, r glue.Resource) (map[string]string, error) {
	rows, err := t.c.QueryContext(ctx, `SELECT key, value FROM tags WHERE kind = ? AND name = ?`, r.Kind, r.Name)
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
		if _, err := t.c.ExecContext(ctx, `INSERT INTO tags (kind, name, key, value) VALUES (?, ?, ?, ?)
			ON CONFLICT (kind, name, key) DO UPDATE SET value = excluded.value`, r.Kind, r.Name, k, v); err != nil {
			return fmt.Errorf("add tags: %w", err)
		}
	}
	return nil
}

func (t *tx) RemoveTags(ctx context.Context, r glue.Resource, keys []string) error {
	for _, k := range keys {
		if _, err := t.c.ExecContext(ctx, `DELETE FROM tags WHERE kind = ? AND name = ? AND key = ?`, r.Kind, r.Name, k); err != nil {
			return fmt.Errorf("remove tags: %w", err)
		}
	}
	return nil
}

// collection implements store.Collection for one kind of the resources table.
type collection[T any] struct {
	tx   *conn
	kind glue.Kind
}

func (c *collection[T]) Get(ctx context.Context, name string) (*T, error) {
	var doc string
	err := c.tx.QueryRowContext(ctx, `SELECT doc FROM resources WHERE kind = ? AND name = ?`, c.kind, name).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, glue.NotFound(c.kind, name)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", c.kind, err)
	}
	return decode[T](doc)
}

func (c *collection[T]) Insert(ctx context.Context, name string, v *T) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("insert %s: %w", c.kind, err)
	}
	res, err := c.tx.ExecContext(ctx, `INSERT INTO resources (kind, name, doc) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, c.kind, name, string(doc))
	if err != nil {
		return fmt.Errorf("insert %s: %w", c.kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return glue.Errorf(glue.AlreadyExists, "%s %s already exists", c.kind.Title(), name)
	}
	return nil
}

func (c *collection[T]) Replace(ctx context.Context, name string, v *T) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("replace %s: %w", c.kind, err)
	}
	res, err := c.tx.ExecContext(ctx, `UPDATE resources SET doc = ? WHERE kind = ? AND name = ?`, string(doc), c.kind, name)
	if err != nil {
		return fmt.Errorf("replace %s: %w", c.kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return glue.NotFound(c.kind, name)
	}
	return nil
}

func (c *collection[T]) Delete(ctx context.Context, name string) (bool, error) {
	res, err := c.tx.ExecContext(ctx, `DELETE FROM resources WHERE kind = ? AND name = ?`, c.kind, name)
	if err != nil {
		return false, fmt.Errorf("delete %s: %w", c.kind, err)
	}
	if _, err := c.tx.ExecContext(ctx, `DELETE FROM tags WHERE kind = ? AND name = ?`, c.kind, name); err != nil {
		return false, fmt.Errorf("delete %s tags: %w", c.kind, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func (c *collection[T]) List(ctx context.Context, opts glue.ListOptions) ([]*T, error) {
	q := strings.Builder{}
	q.WriteString(`SELECT doc FROM resources r WHERE kind = ? AND name > ?`)
	args := []any{c.kind, opts.After}
	if opts.Workflow != "" {
		q.WriteString(` AND json_extract(doc, '$.WorkflowName') = ?`)
		args = append(args, opts.Workflow)
	}
	if opts.DependentJob != "" {
		q.WriteString(` AND EXISTS (SELECT 1 FROM json_each(r.doc, '$.Actions') a WHERE json_extract(a.value, '$.JobName') = ?)`)
		args = append(args, opts.DependentJob)
	}
	for k, v := range opts.Tags {
		q.WriteString(` AND EXISTS (SELECT 1 FROM tags t WHERE t.kind = r.kind AND t.name = r.name AND t.key = ? AND t.value = ?)`)
		args = append(args, k, v)
	}
	q.WriteString(` ORDER BY name`)
	if opts.Limit > 0 {
		q.WriteString(` LIMIT ?`)
		args = append(args, opts.Limit)
	}
	docs, err := c.scanDocs(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(docs))
	for _, doc := range docs {
		v, err := decode[T](doc)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// scanDocs runs a query selecting doc and returns the documents, copied
// out and the statement closed before any is decoded.
func (c *collection[T]) scanDocs(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := c.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", c.kind, err)
	}
	defer rows.Close()
	var docs []string
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("list %s: %w", c.kind, err)
		}
		docs = append(docs, doc)
	}
	return docs, rows.Err()
}

func decode[T any](doc string) (*T, error) {
	v := new(T)
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return nil, fmt.Errorf("decode stored document: %w", err)
	}
	return v, nil
}
