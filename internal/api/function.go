package api

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// FunctionService is what the user-defined function operations need.
type FunctionService interface {
	CreateUserDefinedFunction(ctx context.Context, catalogID, db string, fn *glue.UserDefinedFunction) error
	UpdateUserDefinedFunction(ctx context.Context, catalogID, db, name string, fn *glue.UserDefinedFunction) error
	DeleteUserDefinedFunction(ctx context.Context, catalogID, db, name string) error
	GetUserDefinedFunction(ctx context.Context, catalogID, db, name string) (*glue.UserDefinedFunction, error)
	GetUserDefinedFunctions(ctx context.Context, catalogID string, q glue.FunctionQuery, opts glue.ListOptions) ([]*glue.UserDefinedFunction, error)
}

type createFunctionIn struct {
	catalogIn
	DatabaseName  string
	FunctionInput glue.UserDefinedFunction
}

type functionNameIn struct {
	catalogIn
	DatabaseName string
	FunctionName string
}

type updateFunctionIn struct {
	functionNameIn
	FunctionInput glue.UserDefinedFunction
}

type functionOut struct {
	UserDefinedFunction *glue.UserDefinedFunction `json:"UserDefinedFunction"`
}

type getFunctionsIn struct {
	catalogIn
	DatabaseName string
	Pattern      string
	FunctionType string
	NextToken    *string
	MaxResults   *int32
}

type getFunctionsOut struct {
	UserDefinedFunctions []*glue.UserDefinedFunction `json:"UserDefinedFunctions"`
	NextToken            *string                     `json:"NextToken,omitempty"`
}

func functionKey(f *glue.UserDefinedFunction) string { return f.Key() }

func (s *Server) registerFunctions(svc FunctionService) {
	handle(s, "CreateUserDefinedFunction", func(ctx context.Context, in *createFunctionIn) (*empty, error) {
		return &empty{}, svc.CreateUserDefinedFunction(ctx, in.CatalogId, in.DatabaseName, &in.FunctionInput)
	})
	handle(s, "UpdateUserDefinedFunction", func(ctx context.Context, in *updateFunctionIn) (*empty, error) {
		return &empty{}, svc.UpdateUserDefinedFunction(ctx, in.CatalogId, in.DatabaseName, in.FunctionName, &in.FunctionInput)
	})
	handle(s, "DeleteUserDefinedFunction", func(ctx context.Context, in *functionNameIn) (*empty, error) {
		return &empty{}, svc.DeleteUserDefinedFunction(ctx, in.CatalogId, in.DatabaseName, in.FunctionName)
	})
	handle(s, "GetUserDefinedFunction", func(ctx context.Context, in *functionNameIn) (*functionOut, error) {
		f, err := svc.GetUserDefinedFunction(ctx, in.CatalogId, in.DatabaseName, in.FunctionName)
		return &functionOut{f}, err
	})
	handle(s, "GetUserDefinedFunctions", func(ctx context.Context, in *getFunctionsIn) (*getFunctionsOut, error) {
		q := glue.FunctionQuery{Database: in.DatabaseName, Pattern: in.Pattern, FunctionType: in.FunctionType}
		p, err := s.newPager("GetUserDefinedFunctions", in.NextToken, in.MaxResults, 100, struct {
			C string
			Q glue.FunctionQuery
		}{in.CatalogId, q})
		if err != nil {
			return nil, err
		}
		list := func(ctx context.Context, opts glue.ListOptions) ([]*glue.UserDefinedFunction, error) {
			return svc.GetUserDefinedFunctions(ctx, in.CatalogId, q, opts)
		}
		fs, next, err := listPage(ctx, s, p, glue.ListOptions{}, list, functionKey)
		return &getFunctionsOut{UserDefinedFunctions: nonNil(fs), NextToken: next}, err
	})
}
