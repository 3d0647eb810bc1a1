package crawl

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/epoxy-run/epoxy/internal/crawl/crawllog"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// Catalog is the part of the Data Catalog API a crawl reads and writes
// (the service's operations, so that the crawl's tables are validated,
// named and versioned as the API's are). An empty catalogID is the
// account's catalog.
type Catalog interface {
	GetDatabase(ctx context.Context, catalogID, name string) (*glue.Database, error)
	GetTable(ctx context.Context, catalogID, db, name string) (*glue.Table, error)
	GetTables(ctx context.Context, catalogID, db, expression string, opts glue.ListOptions) ([]*glue.Table, error)
	CreateTable(ctx context.Context, catalogID, db string, t *glue.Table, indexes []glue.PartitionIndex) error
	UpdateTable(ctx context.Context, catalogID, db string, u glue.TableUpdate) error
	DeleteTable(ctx context.Context, catalogID, db, name string) error
	GetPartitions(ctx context.Context, catalogID string, ref glue.PartitionRef, f glue.PartitionFilter) ([]*glue.Partition, error)
	BatchCreatePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, ps []*glue.Partition) ([]glue.PartitionError, error)
	BatchDeletePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, values [][]string) ([]glue.PartitionError, error)
}

// Behaviours of a crawler's SchemaChangePolicy and RecrawlPolicy.
const (
	updateInDatabase     = "UPDATE_IN_DATABASE"
	deleteFromDatabase   = "DELETE_FROM_DATABASE"
	deprecateInDatabase  = "DEPRECATE_IN_DATABASE"
	crawlNewFoldersOnly  = "CRAWL_NEW_FOLDERS_ONLY"
	deprecatedParameter  = "DEPRECATED_BY_CRAWLER"
	updatedByCrawler     = "UPDATED_BY_CRAWLER"
	maxPartitionsPerCall = 100
)

// policies are a crawler's SchemaChangePolicy and RecrawlPolicy, with
// Glue's defaults (UPDATE_IN_DATABASE, DEPRECATE_IN_DATABASE,
// CRAWL_EVERYTHING).
type policies struct {
	UpdateBehavior  string
	DeleteBehavior  string
	RecrawlBehavior string
}

func policiesOf(c *glue.Crawler) (policies, error) {
	p := policies{UpdateBehavior: updateInDatabase, DeleteBehavior: deprecateInDatabase}
	for _, raw := range [][]byte{c.SchemaChangePolicy, c.RecrawlPolicy} {
		if len(raw) == 0 {
			continue
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			return p, fmt.Errorf("crawler policies: %w", err)
		}
	}
	if p.RecrawlBehavior == crawlNewFoldersOnly {
		p.UpdateBehavior, p.DeleteBehavior = "LOG", "LOG"
	}
	return p, nil
}

// groupingOf reads the "Grouping" of a crawler's Configuration.
func groupingOf(c *glue.Crawler) (grouping, error) {
	var conf struct {
		Grouping struct {
			TableGroupingPolicy     string
			TableLevelConfiguration int
		}
	}
	if c.Configuration == "" {
		return grouping{}, nil
	}
	if err := json.Unmarshal([]byte(c.Configuration), &conf); err != nil {
		return grouping{}, fmt.Errorf("crawler Configuration: %w", err)
	}
	return grouping{Combine: conf.Grouping.TableGroupingPolicy == "CombineCompatibleSchemas",
		Level: conf.Grouping.TableLevelConfiguration}, nil
}

// writer writes a crawl's datasets to the crawler's database.
type writer struct {
	cat     Catalog // nil: the crawl writes nothing
	crawler *glue.Crawler
	pol     policies
	db      string
	prefix  string
	log     *crawllog.Log // nil: none
}

func (cr *Crawler) writer(c *glue.Crawler, pol policies) *writer {
	w := &writer{crawler: c, pol: pol, db: c.DatabaseName}
	if c.TablePrefix != nil {
		w.prefix = *c.TablePrefix
	}
	if c.DatabaseName != "" {
		w.cat = cr.Catalog
	}
	return w
}

// checkDatabase fails the crawl when its database does not exist.
func (w *writer) checkDatabase(ctx context.Context) error {
	if w.cat == nil {
		return nil
	}
	_, err := w.cat.GetDatabase(ctx, "", w.db)
	if glue.IsCode(err, glue.EntityNotFound) {
		return fmt.Errorf("database %s does not exist: create it before crawling into it", w.db)
	}
	return err
}

// ownTables returns the tables of the database this crawler wrote.
func (w *writer) ownTables(ctx context.Context) ([]*glue.Table, error) {
	all, err := w.cat.GetTables(ctx, "", w.db, "", glue.ListOptions{})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(t *glue.Table) bool { return t.Parameters[updatedByCrawler] != w.crawler.Name }), nil
}

// known returns the locations of the tables this crawler wrote before
// and, under CRAWL_NEW_FOLDERS_ONLY, the set of folders already catalogued
// (its tables' partitions, or the tables themselves when unpartitioned):
// the crawl skips those.
func (w *writer) known(ctx context.Context) (folders map[string]bool, roots []string, err error) {
	if w.cat == nil {
		return nil, nil, nil
	}
	tables, err := w.ownTables(ctx)
	if err != nil {
		return nil, nil, err
	}
	folders = map[string]bool{}
	for _, t := range tables {
		if t.StorageDescriptor == nil || t.StorageDescriptor.Location == nil {
			continue
		}
		roots = append(roots, *t.StorageDescriptor.Location)
		if w.pol.RecrawlBehavior != crawlNewFoldersOnly {
			continue
		}
		if len(t.PartitionKeys) == 0 {
			folders[*t.StorageDescriptor.Location] = true
			continue
		}
		ps, err := w.cat.GetPartitions(ctx, "", glue.PartitionRef{Database: w.db, Table: t.Name}, glue.PartitionFilter{ExcludeColumnSchema: true})
		if err != nil {
			return nil, nil, err
		}
		for _, p := range ps {
			if p.StorageDescriptor != nil && p.StorageDescriptor.Location != nil {
				folders[*p.StorageDescriptor.Location] = true
			}
		}
	}
	return folders, roots, nil
}

// write creates or updates the table of each dataset with its partitions,
// then applies the DeleteBehavior to this crawler's tables under its
// targets that the crawl did not find.
func (w *writer) write(ctx context.Context, sets []*dataset, res *glue.CrawlResult) error {
	if w.cat == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, d := range sets {
		t := d.table(w.crawler.Name, w.prefix)
		if seen[glue.CatalogName(t.Name)] {
			t.Name += "_" + shortHash(*t.StorageDescriptor.Location)
		}
		seen[glue.CatalogName(t.Name)] = true
		if err := w.writeTable(ctx, t, d.partitions(w.crawler.Name), res); err != nil {
			return fmt.Errorf("table %s: %w", t.Name, err)
		}
	}
	if w.pol.RecrawlBehavior == crawlNewFoldersOnly {
		return nil
	}
	return w.removeGone(ctx, seen, res)
}

// writeTable creates t, or updates the existing table of that name under
// the UpdateBehavior, and adds the partitions it lacks; under
// DELETE_FROM_DATABASE it deletes the partitions the crawl did not find.
func (w *writer) writeTable(ctx context.Context, t *glue.Table, parts []*glue.Partition, res *glue.CrawlResult) error {
	old, err := w.cat.GetTable(ctx, "", w.db, t.Name)
	switch {
	case glue.IsCode(err, glue.EntityNotFound):
		if err := w.cat.CreateTable(ctx, "", w.db, t, nil); err != nil {
			return err
		}
		w.log.Printf(info, "Created table %s in database %s (%s, %d columns, location %s)", t.Name, w.db,
			t.Parameters["classification"], len(t.StorageDescriptor.Columns), *t.StorageDescriptor.Location)
		res.TablesCreated++
		return w.addPartitions(ctx, t, parts, nil)
	case err != nil:
		return err
	}
	if len(old.PartitionKeys) != len(t.PartitionKeys) {
		return fmt.Errorf("the table has %d partition keys and the data %d levels of folders", len(old.PartitionKeys), len(t.PartitionKeys))
	}
	if err := w.update(ctx, old, t, res); err != nil {
		return err
	}
	existing, err := w.cat.GetPartitions(ctx, "", glue.PartitionRef{Database: w.db, Table: t.Name}, glue.PartitionFilter{ExcludeColumnSchema: true})
	if err != nil {
		return err
	}
	return w.addPartitions(ctx, t, parts, existing)
}

// update writes the crawl's columns into an existing table under
// UPDATE_IN_DATABASE when they change it; under LOG it only logs.
func (w *writer) update(ctx context.Context, old, found *glue.Table, res *glue.CrawlResult) error {
	merged, changed := mergeTable(old, found)
	switch {
	case !changed:
		return nil
	case w.pol.UpdateBehavior != updateInDatabase:
		w.log.Printf(info, "Table %s.%s changed; UpdateBehavior %s leaves it as it is", w.db, old.Name, w.pol.UpdateBehavior)
		return nil
	}
	if err := w.cat.UpdateTable(ctx, "", w.db, glue.TableUpdate{Table: merged}); err != nil {
		return err
	}
	w.log.Printf(info, "Updated table %s in database %s: %d columns", old.Name, w.db, len(merged.StorageDescriptor.Columns))
	res.TablesUpdated++
	return nil
}

// mergeTable returns the existing table with the crawl's columns merged in
// (its columns in order, widened, then the new ones) and the crawl's
// parameters, and whether the columns changed.
func mergeTable(old, found *glue.Table) (*glue.Table, bool) {
	cols := slices.Clone(old.StorageDescriptor.Columns)
	at := map[string]int{}
	for i, c := range cols {
		at[c.Name] = i
	}
	changed := false
	for _, c := range found.StorageDescriptor.Columns {
		i, ok := at[c.Name]
		switch {
		case !ok:
			cols, changed = append(cols, c), true
		case cols[i].Type != c.Type:
			cols[i].Type, changed = c.Type, true
		}
	}
	out := *found
	out.PartitionKeys = old.PartitionKeys
	sd := *found.StorageDescriptor
	sd.Columns = cols
	out.StorageDescriptor = &sd
	params := map[string]string{}
	maps.Copy(params, old.Parameters)
	maps.Copy(params, found.Parameters)
	delete(params, deprecatedParameter)
	out.Parameters, sd.Parameters = params, params
	_, wasDeprecated := old.Parameters[deprecatedParameter]
	return &out, changed || wasDeprecated
}

// addPartitions creates the partitions not among existing and, under
// DELETE_FROM_DATABASE, deletes the existing ones not among parts.
func (w *writer) addPartitions(ctx context.Context, t *glue.Table, parts, existing []*glue.Partition) error {
	have := map[string]bool{}
	for _, p := range existing {
		have[strings.Join(p.Values, "\x00")] = true
	}
	found := map[string]bool{}
	var add []*glue.Partition
	for _, p := range parts {
		k := strings.Join(p.Values, "\x00")
		found[k] = true
		if !have[k] {
			add = append(add, p)
		}
	}
	ref := glue.PartitionRef{Database: w.db, Table: t.Name}
	for chunk := range slices.Chunk(add, maxPartitionsPerCall) {
		if err := batchErr(w.cat.BatchCreatePartition(ctx, "", ref, chunk)); err != nil {
			return err
		}
	}
	if len(add) > 0 {
		w.log.Printf(info, "Added %d partitions to table %s.%s", len(add), w.db, t.Name)
	}
	if w.pol.DeleteBehavior != deleteFromDatabase {
		return nil
	}
	var gone [][]string
	for _, p := range existing {
		if !found[strings.Join(p.Values, "\x00")] {
			gone = append(gone, p.Values)
		}
	}
	for chunk := range slices.Chunk(gone, maxPartitionsPerCall) {
		if err := batchErr(w.cat.BatchDeletePartition(ctx, "", ref, chunk)); err != nil {
			return err
		}
	}
	if len(gone) > 0 {
		w.log.Printf(info, "Deleted %d partitions of table %s.%s whose folders are gone", len(gone), w.db, t.Name)
	}
	return nil
}

// batchErr turns a batch call's first per-item error into an error.
func batchErr(errs []glue.PartitionError, err error) error {
	if err != nil || len(errs) == 0 {
		return err
	}
	return errs[0].ErrorDetail.Err()
}

// removeGone applies the DeleteBehavior to the tables this crawler wrote,
// located under one of its targets, that the crawl did not find:
// DELETE_FROM_DATABASE deletes them, DEPRECATE_IN_DATABASE marks them with
// the DEPRECATED_BY_CRAWLER parameter, LOG leaves them.
func (w *writer) removeGone(ctx context.Context, found map[string]bool, res *glue.CrawlResult) error {
	if w.pol.DeleteBehavior != deleteFromDatabase && w.pol.DeleteBehavior != deprecateInDatabase {
		return nil
	}
	tables, err := w.ownTables(ctx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if found[t.Name] || !w.underTargets(t) {
			continue
		}
		if _, done := t.Parameters[deprecatedParameter]; done {
			continue
		}
		if err := w.remove(ctx, t); err != nil {
			return fmt.Errorf("table %s: %w", t.Name, err)
		}
		res.TablesDeleted++
	}
	return nil
}

func (w *writer) remove(ctx context.Context, t *glue.Table) error {
	if w.pol.DeleteBehavior == deleteFromDatabase {
		if err := w.cat.DeleteTable(ctx, "", w.db, t.Name); err != nil {
			return err
		}
		w.log.Printf(info, "Deleted table %s.%s: its data is gone", w.db, t.Name)
		return nil
	}
	t.Parameters = maps.Clone(t.Parameters)
	t.Parameters[deprecatedParameter] = w.crawler.Name
	if err := w.cat.UpdateTable(ctx, "", w.db, glue.TableUpdate{Table: t}); err != nil {
		return err
	}
	w.log.Printf(info, "Deprecated table %s.%s: its data is gone", w.db, t.Name)
	return nil
}

// underTargets reports whether a table's location lies under one of the
// crawler's targets.
func (w *writer) underTargets(t *glue.Table) bool {
	if t.StorageDescriptor == nil || t.StorageDescriptor.Location == nil {
		return false
	}
	for _, tg := range w.crawler.Targets.S3Targets {
		if strings.HasPrefix(*t.StorageDescriptor.Location, location(tg.Path, "")) {
			return true
		}
	}
	return false
}
