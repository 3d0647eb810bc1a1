package crawl

import (
	"context"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// crawlCatalogTargets re-crawls the location of each table the crawler's
// CatalogTargets name and updates the table in place, in its own
// database: new columns and widened types under the UpdateBehavior, the
// partitions it lacks, and under DELETE_FROM_DATABASE the partitions (or
// the table) whose data is gone.
func (cr *Crawler) crawlCatalogTargets(ctx context.Context, c *glue.Crawler, pol policies, run *crawlRun) error {
	targets, err := c.Targets.Catalog()
	if err != nil || len(targets) == 0 {
		return err
	}
	if cr.Catalog == nil {
		return fmt.Errorf("this server has no Data Catalog to crawl CatalogTargets in")
	}
	for i, ct := range targets {
		w := &writer{cat: cr.Catalog, crawler: c, pol: pol, db: ct.DatabaseName, log: run.log}
		for _, name := range ct.Tables {
			if err := cr.recrawlTable(ctx, w, name, run); err != nil {
				return fmt.Errorf("CatalogTargets[%d] table %s.%s: %w", i, ct.DatabaseName, name, err)
			}
		}
	}
	return nil
}

// recrawlTable crawls an existing table's location and writes what it
// finds to the table.
func (cr *Crawler) recrawlTable(ctx context.Context, w *writer, name string, run *crawlRun) error {
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
	run.log.Printf(info, "Crawling table %s.%s at %s", w.db, name, loc)
	tr, err := cr.scan(ctx, glue.S3Target{Path: loc}, nil, run)
	if err != nil {
		return err
	}
	run.add(tr)
	leaves := tr.leaves()
	if len(leaves) == 0 {
		return w.goneTable(ctx, old, run)
	}
	d := grouping{}.forced(loc, "", leaves)
	t := d.table(w.crawler.Name, "")
	t.Name = old.Name
	return w.writeTable(ctx, t, d.partitions(w.crawler.Name), &run.res)
}

// goneTable applies the DeleteBehavior to a catalog target's table whose
// location holds no data any more: DELETE_FROM_DATABASE deletes it, LOG
// keeps it.
func (w *writer) goneTable(ctx context.Context, t *glue.Table, run *crawlRun) error {
	if w.pol.DeleteBehavior != deleteFromDatabase {
		w.log.Printf(info, "Table %s.%s: no data at its location; DeleteBehavior %s keeps it", w.db, t.Name, w.pol.DeleteBehavior)
		return nil
	}
	if err := w.cat.DeleteTable(ctx, "", w.db, t.Name); err != nil {
		return err
	}
	w.log.Printf(info, "Deleted table %s.%s: no data at its location", w.db, t.Name)
	run.res.TablesDeleted++
	return nil
}
