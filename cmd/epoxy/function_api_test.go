package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

func createFunction(t *testing.T, b *testBundle, db, name string, ft types.FunctionType) {
	t.Helper()
	_, err := b.client.CreateUserDefinedFunction(context.Background(), &glue.CreateUserDefinedFunctionInput{DatabaseName: aws.String(db),
		FunctionInput: &types.UserDefinedFunctionInput{FunctionName: aws.String(name), ClassName: aws.String("com.example." + name),
			OwnerName: aws.String("owner"), OwnerType: types.PrincipalTypeUser, FunctionType: ft,
			ResourceUris: []types.ResourceUri{{ResourceType: types.ResourceTypeJar, Uri: aws.String("s3://jars/" + name + ".jar")}}}})
	require.NoError(t, err)
}

// functionNames lists the functions a query selects, following every page.
func functionNames(t *testing.T, b *testBundle, in *glue.GetUserDefinedFunctionsInput) []string {
	t.Helper()
	var names []string
	p := glue.NewGetUserDefinedFunctionsPaginator(b.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		for _, f := range page.UserDefinedFunctions {
			names = append(names, aws.ToString(f.DatabaseName)+"."+aws.ToString(f.FunctionName))
		}
	}
	return names
}

func TestFunction_Lifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	createDatabase(t, b, "sales")
	createDatabase(t, b, "sales2")
	createFunction(t, b, "sales", "Upper", types.FunctionTypeRegularFunction)
	createFunction(t, b, "sales", "total", types.FunctionTypeAggregateFunction)
	createFunction(t, b, "sales", "trim_all", types.FunctionTypeRegularFunction)
	createFunction(t, b, "sales2", "upper", types.FunctionTypeRegularFunction)

	got, err := b.client.GetUserDefinedFunction(ctx, &glue.GetUserDefinedFunctionInput{DatabaseName: aws.String("SALES"), FunctionName: aws.String("upper")})
	require.NoError(t, err)
	f := got.UserDefinedFunction
	require.Equal(t, "upper", aws.ToString(f.FunctionName), "names are stored in lower case")
	require.Equal(t, "sales", aws.ToString(f.DatabaseName))
	require.Equal(t, "com.example.Upper", aws.ToString(f.ClassName))
	require.Equal(t, types.PrincipalTypeUser, f.OwnerType)
	require.Equal(t, "s3://jars/Upper.jar", aws.ToString(f.ResourceUris[0].Uri))
	require.NotNil(t, f.CreateTime)
	require.NotEmpty(t, aws.ToString(f.CatalogId))

	all := &glue.GetUserDefinedFunctionsInput{Pattern: aws.String("*"), MaxResults: aws.Int32(1)}
	require.Equal(t, []string{"sales.total", "sales.trim_all", "sales.upper", "sales2.upper"}, functionNames(t, b, all))
	inSales := &glue.GetUserDefinedFunctionsInput{DatabaseName: aws.String("sales"), Pattern: aws.String("t.*"), MaxResults: aws.Int32(1)}
	require.Equal(t, []string{"sales.total", "sales.trim_all"}, functionNames(t, b, inSales))
	aggregates := &glue.GetUserDefinedFunctionsInput{Pattern: aws.String("*"), FunctionType: types.FunctionTypeAggregateFunction}
	require.Equal(t, []string{"sales.total"}, functionNames(t, b, aggregates))

	_, err = b.client.UpdateUserDefinedFunction(ctx, &glue.UpdateUserDefinedFunctionInput{DatabaseName: aws.String("sales"), FunctionName: aws.String("upper"),
		FunctionInput: &types.UserDefinedFunctionInput{FunctionName: aws.String("upper"), ClassName: aws.String("com.example.Upper2")}})
	require.NoError(t, err)
	got, err = b.client.GetUserDefinedFunction(ctx, &glue.GetUserDefinedFunctionInput{DatabaseName: aws.String("sales"), FunctionName: aws.String("upper")})
	require.NoError(t, err)
	require.Equal(t, "com.example.Upper2", aws.ToString(got.UserDefinedFunction.ClassName))
	require.Empty(t, got.UserDefinedFunction.ResourceUris, "an update replaces the whole definition")
	require.Equal(t, f.CreateTime.UnixMilli(), got.UserDefinedFunction.CreateTime.UnixMilli())

	_, err = b.client.UpdateUserDefinedFunction(ctx, &glue.UpdateUserDefinedFunctionInput{DatabaseName: aws.String("sales"), FunctionName: aws.String("upper"),
		FunctionInput: &types.UserDefinedFunctionInput{FunctionName: aws.String("shout"), ClassName: aws.String("com.example.Shout")}})
	require.NoError(t, err)
	require.Equal(t, []string{"sales.shout", "sales.total", "sales.trim_all"},
		functionNames(t, b, &glue.GetUserDefinedFunctionsInput{DatabaseName: aws.String("sales"), Pattern: aws.String("*")}))

	_, err = b.client.DeleteUserDefinedFunction(ctx, &glue.DeleteUserDefinedFunctionInput{DatabaseName: aws.String("sales"), FunctionName: aws.String("shout")})
	require.NoError(t, err)
	_, err = b.client.DeleteUserDefinedFunction(ctx, &glue.DeleteUserDefinedFunctionInput{DatabaseName: aws.String("sales"), FunctionName: aws.String("shout")})
	requireCode(t, err, "EntityNotFoundException", "shout")

	// Deleting a database deletes its functions; a database created again
	// under the name has none.
	_, err = b.client.DeleteDatabase(ctx, &glue.DeleteDatabaseInput{Name: aws.String("sales")})
	require.NoError(t, err)
	createDatabase(t, b, "sales")
	require.Empty(t, functionNames(t, b, &glue.GetUserDefinedFunctionsInput{DatabaseName: aws.String("sales"), Pattern: aws.String("*")}))
	require.Equal(t, []string{"sales2.upper"}, functionNames(t, b, all))
}

func TestFunction_Errors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.client.CreateUserDefinedFunction(ctx, &glue.CreateUserDefinedFunctionInput{DatabaseName: aws.String("ghost"),
		FunctionInput: &types.UserDefinedFunctionInput{FunctionName: aws.String("f")}})
	requireCode(t, err, "EntityNotFoundException", "ghost")
	createDatabase(t, b, "db")
	_, err = b.client.CreateUserDefinedFunction(ctx, &glue.CreateUserDefinedFunctionInput{DatabaseName: aws.String("db"),
		FunctionInput: &types.UserDefinedFunctionInput{ClassName: aws.String("C")}})
	requireCode(t, err, "InvalidInputException", "FunctionInput.FunctionName")
	createFunction(t, b, "db", "f", types.FunctionTypeRegularFunction)
	createFunction(t, b, "db", "g", types.FunctionTypeRegularFunction)
	_, err = b.client.CreateUserDefinedFunction(ctx, &glue.CreateUserDefinedFunctionInput{DatabaseName: aws.String("db"),
		FunctionInput: &types.UserDefinedFunctionInput{FunctionName: aws.String("F")}})
	requireCode(t, err, "AlreadyExistsException", "f")
	_, err = b.client.UpdateUserDefinedFunction(ctx, &glue.UpdateUserDefinedFunctionInput{DatabaseName: aws.String("db"), FunctionName: aws.String("f"),
		FunctionInput: &types.UserDefinedFunctionInput{FunctionName: aws.String("g")}})
	requireCode(t, err, "AlreadyExistsException", "g")
	_, err = b.client.UpdateUserDefinedFunction(ctx, &glue.UpdateUserDefinedFunctionInput{DatabaseName: aws.String("db"), FunctionName: aws.String("nope"),
		FunctionInput: &types.UserDefinedFunctionInput{}})
	requireCode(t, err, "EntityNotFoundException", "nope")
	_, err = b.client.GetUserDefinedFunction(ctx, &glue.GetUserDefinedFunctionInput{DatabaseName: aws.String("db"), FunctionName: aws.String("nope")})
	requireCode(t, err, "EntityNotFoundException", "nope")
	_, err = b.client.GetUserDefinedFunction(ctx, &glue.GetUserDefinedFunctionInput{DatabaseName: aws.String("ghost"), FunctionName: aws.String("f")})
	requireCode(t, err, "EntityNotFoundException", "ghost")
	_, err = b.client.GetUserDefinedFunctions(ctx, &glue.GetUserDefinedFunctionsInput{DatabaseName: aws.String("ghost"), Pattern: aws.String("*")})
	requireCode(t, err, "EntityNotFoundException", "ghost")
	_, err = b.client.GetUserDefinedFunctions(ctx, &glue.GetUserDefinedFunctionsInput{Pattern: aws.String("(")})
	requireCode(t, err, "InvalidInputException", "Pattern")
	_, err = b.client.DeleteUserDefinedFunction(ctx, &glue.DeleteUserDefinedFunctionInput{DatabaseName: aws.String("db"), FunctionName: aws.String("f"), CatalogId: aws.String("999999999999")})
	requireCode(t, err, "EntityNotFoundException", "999999999999")
}
