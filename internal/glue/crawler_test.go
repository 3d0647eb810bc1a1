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

// Ensure catalog targets name a database and tables, and a crawler with
// them must log or delete what is gone, never deprecate (the default).
func TestCrawler_ValidateCatalogTargets(t *testing.T) {
	t.Parallel()
	good := json.RawMessage(`[{"DatabaseName":"db","Tables":["t"]}]`)
	tests := []struct {
		name      string
		targets   json.RawMessage
		policy    string
		fragments []string
	}{
		{"log", good, `{"DeleteBehavior":"LOG"}`, nil},
		{"delete", good, `{"UpdateBehavior":"LOG","DeleteBehavior":"DELETE_FROM_DATABASE"}`, nil},
		{"deprecate", good, `{"DeleteBehavior":"DEPRECATE_IN_DATABASE"}`,
			[]string{"SchemaChangePolicy.DeleteBehavior must be LOG or DELETE_FROM_DATABASE", "got DEPRECATE_IN_DATABASE"}},
		{"default policy", good, "", []string{"SchemaChangePolicy.DeleteBehavior", "DEPRECATE_IN_DATABASE (the default)"}},
		{"no tables", json.RawMessage(`[{"DatabaseName":"db","Tables":[]}]`), `{"DeleteBehavior":"LOG"}`,
			[]string{"Targets.CatalogTargets[0] needs a DatabaseName"}},
		{"no database", json.RawMessage(`[{"Tables":["t"]}]`), `{"DeleteBehavior":"LOG"}`,
			[]string{"Targets.CatalogTargets[0] needs a DatabaseName"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &glue.Crawler{Name: "c", Role: "r", Targets: glue.CrawlerTargets{CatalogTargets: tt.targets}}
			if tt.policy != "" {
				c.SchemaChangePolicy = json.RawMessage(tt.policy)
			}
			err := c.Validate()
			if len(tt.fragments) == 0 {
				require.NoError(t, err)
				return
			}
			requireGlueError(t, err, glue.InvalidInput, tt.fragments...)
		})
	}
}
