package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

func TestClassifier_Lifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{CsvClassifier: &types.CreateCsvClassifierRequest{
		Name: aws.String("pipes"), Delimiter: aws.String("|"), QuoteSymbol: aws.String("'"),
		ContainsHeader: types.CsvHeaderOptionPresent, Header: []string{"id", "name"}, AllowSingleColumn: aws.Bool(false)}})
	require.NoError(t, err)
	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{GrokClassifier: &types.CreateGrokClassifierRequest{
		Name: aws.String("apache"), Classification: aws.String("logs"), GrokPattern: aws.String("%{COMBINEDAPACHELOG}"),
		CustomPatterns: aws.String("MYWORD \\w+")}})
	require.NoError(t, err)
	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{JsonClassifier: &types.CreateJsonClassifierRequest{
		Name: aws.String("records"), JsonPath: aws.String("$.records[*]")}})
	require.NoError(t, err)
	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{XMLClassifier: &types.CreateXMLClassifierRequest{
		Name: aws.String("rows"), Classification: aws.String("xml"), RowTag: aws.String("row")}})
	require.NoError(t, err)

	got, err := b.client.GetClassifier(ctx, &glue.GetClassifierInput{Name: aws.String("pipes")})
	require.NoError(t, err)
	csv := got.Classifier.CsvClassifier
	require.NotNil(t, csv)
	require.Nil(t, got.Classifier.GrokClassifier)
	require.Equal(t, "|", *csv.Delimiter)
	require.Equal(t, types.CsvHeaderOptionPresent, csv.ContainsHeader)
	require.Equal(t, []string{"id", "name"}, csv.Header)
	require.Equal(t, int64(1), csv.Version)
	require.NotNil(t, csv.CreationTime)

	_, err = b.client.UpdateClassifier(ctx, &glue.UpdateClassifierInput{CsvClassifier: &types.UpdateCsvClassifierRequest{
		Name: aws.String("pipes"), Delimiter: aws.String(";")}})
	require.NoError(t, err)
	got, err = b.client.GetClassifier(ctx, &glue.GetClassifierInput{Name: aws.String("pipes")})
	require.NoError(t, err)
	csv = got.Classifier.CsvClassifier
	require.Equal(t, ";", *csv.Delimiter)
	require.Equal(t, "'", *csv.QuoteSymbol, "members the update leaves out are kept")
	require.Equal(t, []string{"id", "name"}, csv.Header)
	require.Equal(t, int64(2), csv.Version)

	all, err := b.client.GetClassifiers(ctx, &glue.GetClassifiersInput{MaxResults: aws.Int32(3)})
	require.NoError(t, err)
	require.Len(t, all.Classifiers, 3)
	require.Equal(t, "apache", *all.Classifiers[0].GrokClassifier.Name)
	require.Equal(t, "MYWORD \\w+", *all.Classifiers[0].GrokClassifier.CustomPatterns)
	require.Equal(t, "pipes", *all.Classifiers[1].CsvClassifier.Name)
	require.Equal(t, "$.records[*]", *all.Classifiers[2].JsonClassifier.JsonPath)
	require.NotNil(t, all.NextToken)
	rest, err := b.client.GetClassifiers(ctx, &glue.GetClassifiersInput{NextToken: all.NextToken})
	require.NoError(t, err)
	require.Len(t, rest.Classifiers, 1)
	require.Equal(t, "row", *rest.Classifiers[0].XMLClassifier.RowTag)
	require.Nil(t, rest.NextToken)

	_, err = b.client.DeleteClassifier(ctx, &glue.DeleteClassifierInput{Name: aws.String("pipes")})
	require.NoError(t, err)
	_, err = b.client.GetClassifier(ctx, &glue.GetClassifierInput{Name: aws.String("pipes")})
	requireCode(t, err, "EntityNotFoundException", "pipes")
	_, err = b.client.DeleteClassifier(ctx, &glue.DeleteClassifierInput{Name: aws.String("pipes")})
	requireCode(t, err, "EntityNotFoundException", "pipes")
}

func TestClassifier_Errors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{})
	requireCode(t, err, "InvalidInputException", "CsvClassifier")
	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{
		JsonClassifier: &types.CreateJsonClassifierRequest{Name: aws.String("two"), JsonPath: aws.String("$")},
		CsvClassifier:  &types.CreateCsvClassifierRequest{Name: aws.String("two")}})
	requireCode(t, err, "InvalidInputException", "exactly one")
	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{CsvClassifier: &types.CreateCsvClassifierRequest{
		Name: aws.String("same"), Delimiter: aws.String(","), QuoteSymbol: aws.String(",")}})
	requireCode(t, err, "InvalidInputException", "QuoteSymbol")
	long := strings.Repeat("n", 256)
	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{CsvClassifier: &types.CreateCsvClassifierRequest{Name: aws.String(long)}})
	requireValidation(t, err, "1 validation error detected: Value '"+long+"' at 'csvClassifier.name' failed to satisfy constraint: Member must have length less than or equal to 255")

	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{JsonClassifier: &types.CreateJsonClassifierRequest{
		Name: aws.String("j"), JsonPath: aws.String("$")}})
	require.NoError(t, err)
	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{CsvClassifier: &types.CreateCsvClassifierRequest{Name: aws.String("j")}})
	requireCode(t, err, "AlreadyExistsException", "j")
	_, err = b.client.UpdateClassifier(ctx, &glue.UpdateClassifierInput{CsvClassifier: &types.UpdateCsvClassifierRequest{Name: aws.String("j")}})
	requireCode(t, err, "InvalidInputException", "JsonClassifier")
	_, err = b.client.UpdateClassifier(ctx, &glue.UpdateClassifierInput{CsvClassifier: &types.UpdateCsvClassifierRequest{Name: aws.String("ghost")}})
	requireCode(t, err, "EntityNotFoundException", "ghost")
	_, err = b.client.GetClassifier(ctx, &glue.GetClassifierInput{Name: aws.String("ghost")})
	requireCode(t, err, "EntityNotFoundException", "ghost")
	one, err := b.client.GetClassifiers(ctx, &glue.GetClassifiersInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, one.Classifiers, 1)
}
