package api

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// partitionTableIn names the table of a partition request.
type partitionTableIn struct {
	catalogIn
	DatabaseName string
	TableName    string
}

func (in partitionTableIn) ref(values []string) glue.PartitionRef {
	return glue.PartitionRef{Database: in.DatabaseName, Table: in.TableName, Values: values}
}

type createPartitionIn struct {
	partitionTableIn
	PartitionInput glue.Partition
}

type batchCreatePartitionIn struct {
	partitionTableIn
	PartitionInputList []*glue.Partition
}

type partitionErrorsOut struct {
	Errors []glue.PartitionError `json:"Errors,omitempty"`
}

type partitionValuesIn struct {
	partitionTableIn
	PartitionValues []string
}

type partitionOut struct {
	Partition *glue.Partition `json:"Partition"`
}

type valueList struct {
	Values []string `json:"Values"`
}

func valuesOf(vs []valueList) [][]string {
	out := make([][]string, len(vs))
	for i, v := range vs {
		out[i] = v.Values
	}
	return out
}

type batchGetPartitionIn struct {
	partitionTableIn
	PartitionsToGet []valueList
}

type batchGetPartitionOut struct {
	Partitions      []*glue.Partition `json:"Partitions"`
	UnprocessedKeys []valueList       `json:"UnprocessedKeys"`
}

type getPartitionsIn struct {
	partitionTableIn
	Expression          string
	NextToken           *string
	Segment             *glue.Segment
	MaxResults          *int32
	ExcludeColumnSchema bool
}

type partitionsOut struct {
	Partitions []*glue.Partition `json:"Partitions"`
	NextToken  *string           `json:"NextToken,omitempty"`
}

type updatePartitionIn struct {
	partitionTableIn
	PartitionValueList []string
	PartitionInput     glue.Partition
}

type batchUpdatePartitionIn struct {
	partitionTableIn
	Entries []struct {
		PartitionValueList []string
		PartitionInput     glue.Partition
	}
}

type batchUpdateFailure struct {
	PartitionValueList []string          `json:"PartitionValueList"`
	ErrorDetail        *glue.ErrorDetail `json:"ErrorDetail"`
}

type batchUpdatePartitionOut struct {
	Errors []batchUpdateFailure `json:"Errors,omitempty"`
}

type batchDeletePartitionIn struct {
	partitionTableIn
	PartitionsToDelete []valueList
}

func partitionKey(p *glue.Partition) string { return store.PartitionKey(p.Values) }

func (s *Server) registerPartitions(svc CatalogService) {
	handle(s, "CreatePartition", func(ctx context.Context, in *createPartitionIn) (*empty, error) {
		return &empty{}, svc.CreatePartition(ctx, in.CatalogId, in.ref(nil), &in.PartitionInput)
	})
	handle(s, "GetPartition", func(ctx context.Context, in *partitionValuesIn) (*partitionOut, error) {
		p, err := svc.GetPartition(ctx, in.CatalogId, in.ref(in.PartitionValues))
		return &partitionOut{p}, err
	})
	handle(s, "GetPartitions", func(ctx context.Context, in *getPartitionsIn) (*partitionsOut, error) {
		p, err := s.newPager("GetPartitions", in.NextToken, in.MaxResults, 1000,
			[]any{in.CatalogId, glue.CatalogName(in.DatabaseName), glue.CatalogName(in.TableName), in.Expression, in.Segment})
		if err != nil {
			return nil, err
		}
		list := func(ctx context.Context, opts glue.ListOptions) ([]*glue.Partition, error) {
			return svc.GetPartitions(ctx, in.CatalogId, in.ref(nil), glue.PartitionFilter{Expression: in.Expression, Segment: in.Segment,
				ExcludeColumnSchema: in.ExcludeColumnSchema, After: opts.After, Limit: opts.Limit})
		}
		ps, next, err := listPage(ctx, s, p, glue.ListOptions{}, list, partitionKey)
		return &partitionsOut{Partitions: nonNil(ps), NextToken: next}, err
	})
	handle(s, "UpdatePartition", func(ctx context.Context, in *updatePartitionIn) (*empty, error) {
		return &empty{}, svc.UpdatePartition(ctx, in.CatalogId, in.ref(in.PartitionValueList), &in.PartitionInput)
	})
	handle(s, "DeletePartition", func(ctx context.Context, in *partitionValuesIn) (*empty, error) {
		return &empty{}, svc.DeletePartition(ctx, in.CatalogId, in.ref(in.PartitionValues))
	})
}

func (s *Server) registerPartitionBatches(svc CatalogService) {
	handle(s, "BatchCreatePartition", func(ctx context.Context, in *batchCreatePartitionIn) (*partitionErrorsOut, error) {
		errs, err := svc.BatchCreatePartition(ctx, in.CatalogId, in.ref(nil), in.PartitionInputList)
		return &partitionErrorsOut{errs}, err
	})
	handle(s, "BatchGetPartition", func(ctx context.Context, in *batchGetPartitionIn) (*batchGetPartitionOut, error) {
		ps, err := svc.BatchGetPartition(ctx, in.CatalogId, in.ref(nil), valuesOf(in.PartitionsToGet))
		return &batchGetPartitionOut{Partitions: nonNil(ps), UnprocessedKeys: []valueList{}}, err
	})
	handle(s, "BatchUpdatePartition", func(ctx context.Context, in *batchUpdatePartitionIn) (*batchUpdatePartitionOut, error) {
		us := make([]glue.PartitionUpdate, len(in.Entries))
		for i, e := range in.Entries {
			us[i] = glue.PartitionUpdate{Values: e.PartitionValueList, Partition: &e.PartitionInput}
		}
		errs, err := svc.BatchUpdatePartition(ctx, in.CatalogId, in.ref(nil), us)
		out := &batchUpdatePartitionOut{}
		for _, e := range errs {
			out.Errors = append(out.Errors, batchUpdateFailure{PartitionValueList: e.PartitionValues, ErrorDetail: e.ErrorDetail})
		}
		return out, err
	})
	handle(s, "BatchDeletePartition", func(ctx context.Context, in *batchDeletePartitionIn) (*partitionErrorsOut, error) {
		errs, err := svc.BatchDeletePartition(ctx, in.CatalogId, in.ref(nil), valuesOf(in.PartitionsToDelete))
		return &partitionErrorsOut{errs}, err
	})
}

type createPartitionIndexIn struct {
	partitionTableIn
	PartitionIndex glue.PartitionIndex
}

type getPartitionIndexesOut struct {
	PartitionIndexDescriptorList []*glue.PartitionIndexDescriptor `json:"PartitionIndexDescriptorList"`
}

type deletePartitionIndexIn struct {
	partitionTableIn
	IndexName string
}

func (s *Server) registerPartitionIndexes(svc CatalogService) {
	handle(s, "CreatePartitionIndex", func(ctx context.Context, in *createPartitionIndexIn) (*empty, error) {
		return &empty{}, svc.CreatePartitionIndex(ctx, in.CatalogId, in.DatabaseName, in.TableName, in.PartitionIndex)
	})
	handle(s, "GetPartitionIndexes", func(ctx context.Context, in *partitionTableIn) (*getPartitionIndexesOut, error) {
		ixs, err := svc.GetPartitionIndexes(ctx, in.CatalogId, in.DatabaseName, in.TableName)
		return &getPartitionIndexesOut{nonNil(ixs)}, err
	})
	handle(s, "DeletePartitionIndex", func(ctx context.Context, in *deletePartitionIndexIn) (*empty, error) {
		return &empty{}, svc.DeletePartitionIndex(ctx, in.CatalogId, in.DatabaseName, in.TableName, in.IndexName)
	})
}
