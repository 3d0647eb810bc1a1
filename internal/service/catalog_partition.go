package service

import (
	"context"
	"slices"
	"strings"

	"github.com/epoxy-run/epoxy/internal/catalog/expr"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// maxPartitionIndexes is how many partition indexes Glue allows a table.
const maxPartitionIndexes = 3

// checkValues refuses values that do not give one value per partition key.
func checkValues(t *glue.Table, values []string) error {
	if len(values) != len(t.PartitionKeys) {
		return glue.Errorf(glue.InvalidInput, "Values: %d partition values given, but table %s has %d partition keys (%s)",
			len(values), t.Name, len(t.PartitionKeys), strings.Join(t.PartitionKeyNames(), ", "))
	}
	return nil
}

// preparePartition completes a PartitionInput into the partition stored.
func (s *Service) preparePartition(t *glue.Table, p *glue.Partition) error {
	if err := checkValues(t, p.Values); err != nil {
		return err
	}
	p.DatabaseName, p.TableName, p.CatalogId, p.CreationTime = t.DatabaseName, t.Name, s.account, glue.At(s.now())
	return nil
}

// CreatePartition adds a partition to a table.
func (s *Service) CreatePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, p *glue.Partition) error {
	return single(s.BatchCreatePartition(ctx, catalogID, ref, []*glue.Partition{p}))
}

// BatchCreatePartition adds partitions to a table, reporting each one that
// could not be added.
func (s *Service) BatchCreatePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, ps []*glue.Partition) ([]glue.PartitionError, error) {
	db, table := ref.Names()
	var errs []glue.PartitionError
	err := s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		errs = nil
		t, err := c.GetTable(ctx, db, table)
		if err != nil {
			return err
		}
		for _, p := range ps {
			err := s.preparePartition(t, p)
			if err == nil {
				err = c.InsertPartition(ctx, p)
			}
			if err := itemError(err, func(d *glue.ErrorDetail) {
				errs = append(errs, glue.PartitionError{PartitionValues: p.Values, ErrorDetail: d})
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return errs, err
}

// GetPartition returns one partition.
func (s *Service) GetPartition(ctx context.Context, catalogID string, ref glue.PartitionRef) (*glue.Partition, error) {
	found, err := s.BatchGetPartition(ctx, catalogID, ref, [][]string{ref.Values})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, glue.Errorf(glue.EntityNotFound, "Partition not found: values %s", store.PartitionKey(ref.Values))
	}
	return found[0], nil
}

// BatchGetPartition returns the partitions that exist among those asked
// for; the others are left out.
func (s *Service) BatchGetPartition(ctx context.Context, catalogID string, ref glue.PartitionRef, values [][]string) ([]*glue.Partition, error) {
	db, table := ref.Names()
	var out []*glue.Partition
	err := s.catalogView(ctx, catalogID, func(c store.Catalog) error {
		out = nil
		if _, err := c.GetTable(ctx, db, table); err != nil {
			return err
		}
		for _, vs := range values {
			p, err := c.GetPartition(ctx, db, table, vs)
			if glue.IsCode(err, glue.EntityNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// UpdatePartition replaces a partition's definition (and possibly its
// values), keeping its creation time.
func (s *Service) UpdatePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, p *glue.Partition) error {
	return single(s.BatchUpdatePartition(ctx, catalogID, ref, []glue.PartitionUpdate{{Values: ref.Values, Partition: p}}))
}

// BatchUpdatePartition applies updates, reporting each one that failed.
func (s *Service) BatchUpdatePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, us []glue.PartitionUpdate) ([]glue.PartitionError, error) {
	db, table := ref.Names()
	var errs []glue.PartitionError
	err := s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		errs = nil
		t, err := c.GetTable(ctx, db, table)
		if err != nil {
			return err
		}
		for _, u := range us {
			err := s.updatePartition(ctx, c, t, u)
			if err := itemError(err, func(d *glue.ErrorDetail) {
				errs = append(errs, glue.PartitionError{PartitionValues: u.Values, ErrorDetail: d})
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return errs, err
}

func (s *Service) updatePartition(ctx context.Context, c store.Catalog, t *glue.Table, u glue.PartitionUpdate) error {
	old, err := c.GetPartition(ctx, t.DatabaseName, t.Name, u.Values)
	if err != nil {
		return err
	}
	p := u.Partition
	if len(p.Values) == 0 {
		p.Values = old.Values
	}
	if err := s.preparePartition(t, p); err != nil {
		return err
	}
	p.CreationTime = old.CreationTime
	return c.ReplacePartition(ctx, u.Values, p)
}

// DeletePartition deletes one partition.
func (s *Service) DeletePartition(ctx context.Context, catalogID string, ref glue.PartitionRef) error {
	return single(s.BatchDeletePartition(ctx, catalogID, ref, [][]string{ref.Values}))
}

// BatchDeletePartition deletes partitions, reporting each one that could
// not be deleted.
func (s *Service) BatchDeletePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, values [][]string) ([]glue.PartitionError, error) {
	db, table := ref.Names()
	var errs []glue.PartitionError
	err := s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		errs = nil
		if _, err := c.GetTable(ctx, db, table); err != nil {
			return err
		}
		for _, vs := range values {
			err := c.DeletePartition(ctx, db, table, vs)
			if err := itemError(err, func(d *glue.ErrorDetail) {
				errs = append(errs, glue.PartitionError{PartitionValues: vs, ErrorDetail: d})
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return errs, err
}

// GetPartitions returns a page of a table's partitions that the
// expression and segment select, in the order of their values.
func (s *Service) GetPartitions(ctx context.Context, catalogID string, ref glue.PartitionRef, f glue.PartitionFilter) ([]*glue.Partition, error) {
	if seg := f.Segment; seg != nil && seg.SegmentNumber >= seg.TotalSegments {
		return nil, glue.Errorf(glue.InvalidInput, "Segment.SegmentNumber %d must be below Segment.TotalSegments %d", seg.SegmentNumber, seg.TotalSegments)
	}
	db, table := ref.Names()
	var out []*glue.Partition
	err := s.catalogView(ctx, catalogID, func(c store.Catalog) error {
		t, err := c.GetTable(ctx, db, table)
		if err != nil {
			return err
		}
		where, err := expr.Parse(f.Expression, t.PartitionKeys)
		if err != nil {
			return err
		}
		out, err = c.Partitions(ctx, db, table, store.PartitionQuery{Where: where, Segment: f.Segment, After: f.After, Limit: f.Limit})
		return err
	})
	if f.ExcludeColumnSchema {
		for _, p := range out {
			if p.StorageDescriptor != nil {
				p.StorageDescriptor.Columns = nil
			}
		}
	}
	return out, err
}

// CreatePartitionIndex adds a partition index to a table. Every partition
// key is indexed by the store whatever the indexes say, so an index is
// ACTIVE at once.
func (s *Service) CreatePartitionIndex(ctx context.Context, catalogID, db, table string, ix glue.PartitionIndex) error {
	return s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		t, err := c.GetTable(ctx, glue.CatalogName(db), glue.CatalogName(table))
		if err != nil {
			return err
		}
		return insertPartitionIndex(ctx, c, t, ix)
	})
}

func insertPartitionIndex(ctx context.Context, c store.Catalog, t *glue.Table, ix glue.PartitionIndex) error {
	existing, err := c.PartitionIndexes(ctx, t.DatabaseName, t.Name)
	if err != nil {
		return err
	}
	if len(existing) >= maxPartitionIndexes {
		return glue.Errorf(glue.ResourceNumberLimitExceeded, "table %s already has %d partition indexes, the most Glue allows", t.Name, maxPartitionIndexes)
	}
	d := &glue.PartitionIndexDescriptor{IndexName: ix.IndexName, IndexStatus: "ACTIVE"}
	for _, k := range ix.Keys {
		i := slices.IndexFunc(t.PartitionKeys, func(c glue.Column) bool { return strings.EqualFold(c.Name, k) })
		if i < 0 {
			return glue.Errorf(glue.InvalidInput, "PartitionIndex.Keys: %s is not a partition key of table %s", k, t.Name)
		}
		d.Keys = append(d.Keys, glue.KeySchemaElement{Name: t.PartitionKeys[i].Name, Type: t.PartitionKeys[i].Type})
	}
	return c.InsertPartitionIndex(ctx, t.DatabaseName, t.Name, d)
}

// GetPartitionIndexes returns a table's partition indexes.
func (s *Service) GetPartitionIndexes(ctx context.Context, catalogID, db, table string) ([]*glue.PartitionIndexDescriptor, error) {
	var out []*glue.PartitionIndexDescriptor
	err := s.catalogView(ctx, catalogID, func(c store.Catalog) (err error) {
		out, err = c.PartitionIndexes(ctx, glue.CatalogName(db), glue.CatalogName(table))
		return err
	})
	return out, err
}

// DeletePartitionIndex deletes a partition index of a table.
func (s *Service) DeletePartitionIndex(ctx context.Context, catalogID, db, table, name string) error {
	return s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		return c.DeletePartitionIndex(ctx, glue.CatalogName(db), glue.CatalogName(table), name)
	})
}

// itemError records the glue error of one item of a batch with add and
// returns nil; any other error is returned, to abort the batch.
func itemError(err error, add func(*glue.ErrorDetail)) error {
	if err == nil {
		return nil
	}
	if glue.CodeOf(err) == glue.InternalService {
		return err
	}
	add(glue.DetailOf(err))
	return nil
}

// single turns the result of a batch of one into that item's error.
func single(errs []glue.PartitionError, err error) error {
	if err == nil && len(errs) > 0 {
		return errs[0].ErrorDetail.Err()
	}
	return err
}
