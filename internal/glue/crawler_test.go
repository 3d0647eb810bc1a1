package glue_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Ensure a crawler needs at least one target of any kind and every S3
// target needs a path.
func TestCrawler_Validate(t *testing.T) {
	t.Parallel()
	raw := json.RawMessage(`[{"ConnectionName":"c","Path":"db/%"}]`)
	tests := []struct {
		name      string
		targets   glue.CrawlerTargets
		fragments []string
	}{
		{"s3", glue.CrawlerTargets{S3Targets: []glue.S3Target{{Path: "s3://bucket/data"}}}, nil},
		{"jdbc only", glue.CrawlerTargets{JdbcTargets: raw}, nil},
		{"mongodb only", glue.CrawlerTargets{MongoDBTargets: raw}, nil},
		{"dynamodb only", glue.CrawlerTargets{DynamoDBTargets: raw}, nil},
		{"catalog only", glue.CrawlerTargets{CatalogTargets: raw}, nil},
		{"delta only", glue.CrawlerTargets{DeltaTargets: raw}, nil},
		{"iceberg only", glue.CrawlerTargets{IcebergTargets: raw}, nil},
		{"hudi only", glue.CrawlerTargets{HudiTargets: raw}, nil},
		{"none", glue.CrawlerTargets{}, []string{"Targets: a crawler needs at least one target"}},
		{"empty s3 list", glue.CrawlerTargets{S3Targets: []glue.S3Target{}}, []string{"Targets: a crawler needs at least one target"}},
		{"s3 without path", glue.CrawlerTargets{S3Targets: []glue.S3Target{{Path: "/data"}, {Exclusions: []string{"*.tmp"}}}},
			[]string{"Targets.S3Targets[1].Path is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &glue.Crawler{Name: "c", Role: "r", Targets: tt.targets}
			err := c.Validate()
			if len(tt.fragments) == 0 {
				require.NoError(t, err)
				require.False(t, tt.targets.Empty())
				return
			}
			requireGlueError(t, err, glue.InvalidInput, tt.fragments...)
		})
	}
}
