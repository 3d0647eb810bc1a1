package crawl

import (
	"context"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// crawlCatalogTargets re-crawls the location of each table the crawler's
// CatalogTargets name and updates the table in place, in its own
// database: new columns and widened types under the UpdateBehavior, the
// partitions it lacks, and under DELETE_FROM_DATABASE the partitions (or
// the table) whose data is gone.
func (cr *Crawler) crawlCatalogTargets(ctx context.Context, c *glue.Crawler, pol policies, custom []infer.Classifier, st *crawlStats) error {
	targets, err := c.Targets.Catalog()
	if err != nil || len(targets) == 0 {
		return err
	}
	if cr.Catalog == nil {
		return fmt.Errorf("this server has no Data Catalog to crawl CatalogTargets in")
	}
	for i, ct := range targets {
		w := &writer{cat: cr.Catalog, crawler: c, pol: pol, db: ct.DatabaseName}
		for _, name := range ct.Tables {
			if err := cr.recrawlTable(ctx, w, name, custom, st); err != nil {
				return fmt.Errorf("CatalogTargets[%d] table %s.%s: %w", i, ct.DatabaseName, name, err)
			}
		}
	}
	return nil
}

// recrawlTable crawls an existing table's location and writes what it
// finds to the table.
func (cr *Crawler) recrawlTable(ctx context.Context, w *writer, name string, custom []infer.Classifier, st *crawlStats) error {
	old, err := w.cat.GetTable(ctx, "", w.db, name)
	if glue.IsCode(err, glue.EntityNotFound) {
		return fmt.Errorf("the table does not exist")
	}
	if err != nil {
		return err
	}
	if old.StorageDescriptor == nil || deref(old.StorageDescriptor.Location) == "" {
		return fmt.Errorf("the table has no StorageDescriptor.Location to crawl")
	}
	loc := *old.StorageDescriptor.Location
	tr, err := cr.scan(ctx, glue.S3Target{Path: loc}, nil, custom)
	if err != nil {
		return err
	}
	st.add(tr)
	leaves := tr.leaves()
	if len(leaves) == 0 {
		return w.goneTable(ctx, old, st)
	}
	d := grouping{}.forced(loc, "", leaves)
	t := d.table(w.crawler.Name, "")
	t.Name = old.Name
	return w.writeTable(ctx, t, d.partitions(w.crawler.Name), &st.res)
}

// goneTable applies the DeleteBehavior to a catalog target's table whose
// location holds no data any more: DELETE_FROM_DATABASE deletes it, LOG
// keeps it.
func (w *writer) goneTable(ctx context.Context, t *glue.Table, st *crawlStats) error {
	if w.pol.DeleteBehavior != deleteFromDatabase {
		return nil
	}
	if err := w.cat.DeleteTable(ctx, "", w.db, t.Name); err != nil {
		return err
	}
	st.res.TablesDeleted++
	return nil
}
