package crawl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// leafOf classifies data as the file of a leaf folder dir.
func leafOf(t *testing.T, dir, data string) *leaf {
	t.Helper()
	s, err := infer.Classify("f", []byte(data), true)
	require.NoError(t, err)
	return &leaf{dir: dir, files: 1, schema: s}
}

func TestGroup(t *testing.T) {
	t.Parallel()
	sales, other := "id,price\n1,2.5\n", "{\"user\":\"a\"}\n"
	tests := []struct {
		name   string
		leaves []*leaf
		want   map[string][]string // table name → partition keys
		values map[string][][]string
	}{
		{name: "files at the root", leaves: []*leaf{leafOf(t, "", sales)}, want: map[string][]string{"p_root": nil}},
		{name: "hive partitions", leaves: []*leaf{leafOf(t, "y=2024/m=1", sales), leafOf(t, "y=2024/m=2", sales)},
			want:   map[string][]string{"p_root": {"y", "m"}},
			values: map[string][][]string{"p_root": {{"2024", "1"}, {"2024", "2"}}}},
		{name: "plain folders", leaves: []*leaf{leafOf(t, "2024/01", sales), leafOf(t, "2024/02", sales)},
			want:   map[string][]string{"p_root": {"partition_0", "partition_1"}},
			values: map[string][][]string{"p_root": {{"2024", "01"}, {"2024", "02"}}}},
		{name: "incompatible datasets split", leaves: []*leaf{leafOf(t, "Sales Data/k=1", sales), leafOf(t, "users/x", other),
			leafOf(t, "users/y", other)},
			want: map[string][]string{"p_sales_data": {"k"}, "p_users": {"partition_0"}}},
		{name: "root files apart from incompatible folders", leaves: []*leaf{leafOf(t, "", sales), leafOf(t, "u", other)},
			want: map[string][]string{"p_root": nil, "p_u": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := map[string][]string{}
			values := map[string][][]string{}
			for _, d := range (grouping{}).group("s3://bucket/Root/", "", tt.leaves) {
				name := d.tableName("p_")
				if keys := d.partitionKeys(); len(keys) > 0 {
					got[name] = keys
				} else {
					got[name] = nil
				}
				for _, p := range d.partitions("c") {
					values[name] = append(values[name], p.Values)
				}
			}
			require.Equal(t, tt.want, got)
			if tt.values != nil {
				require.Equal(t, tt.values, values)
			}
		})
	}
}

func TestPin(t *testing.T) {
	t.Parallel()
	// day=2 adds a column (2 of 3 names shared: not compatible afresh) yet
	// stays in the table written before; a new dataset is grouped afresh.
	leaves := []*leaf{leafOf(t, "clicks/day=1", "{\"id\":1,\"p\":\"a\"}\n"), leafOf(t, "clicks/day=2", "{\"id\":1,\"p\":\"a\",\"ms\":2}\n"),
		leafOf(t, "new", "a,b\n1,2\n")}
	sets := grouping{}.pin("/data", leaves, []string{"/data/clicks/", "/elsewhere/"})
	require.Len(t, sets, 2)
	require.Equal(t, "clicks", sets[0].tableName(""))
	require.Len(t, sets[0].partitions("c"), 2)
	require.Equal(t, "new", sets[1].tableName(""))
}

func TestTableNameAndLocation(t *testing.T) {
	t.Parallel()
	require.Equal(t, "bucket", (&dataset{target: "s3://bucket"}).tableName(""))
	require.Equal(t, "x_my_data_2024", (&dataset{target: "file:///tmp/My-Data.2024/"}).tableName("x_"))
	require.Equal(t, "s3://b/p/q/", location("s3://b/p/", "q"))
	require.Equal(t, "/tmp/a/", location("/tmp/a", ""))
}

// Ensure SampleSize bounds the files classified per folder: the third file
// (not valid data) is counted but never read, so nothing is unclassified.
func TestScan_SampleSize(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for name, data := range map[string]string{"a.csv": "x,y\n1,2\n", "b.csv": "x,y\n3,4\n", "c.csv": "garbage"} {
		require.NoError(t, os.WriteFile(filepath.Join(root, name), []byte(data), 0o644))
	}
	two := int32(2)
	ts, err := (&Crawler{}).scan(context.Background(), glue.S3Target{Path: root, SampleSize: &two}, nil, &crawlRun{})
	require.NoError(t, err)
	l := ts.folders[""]
	require.Equal(t, [3]int{3, 2, 0}, [3]int{l.files, l.sampled, ts.unknown})
	require.Equal(t, int64(2), l.schema.Records)
	require.Equal(t, int64(8+8+7), l.size, "every local file counts its size")

	ts, err = (&Crawler{}).scan(context.Background(), glue.S3Target{Path: root}, nil, &crawlRun{})
	require.NoError(t, err)
	require.Equal(t, [3]int{3, 3, 1}, [3]int{ts.folders[""].files, ts.folders[""].sampled, ts.unknown})
}

func TestGroupingConfiguration(t *testing.T) {
	t.Parallel()
	a, b := "id,price\n1,2.5\n", "id,name,price,qty\n1,x,2,3\n" // 2 of 4 names shared
	leaves := func() []*leaf { return []*leaf{leafOf(t, "x/k=1", a), leafOf(t, "x/k=2", b), leafOf(t, "y/k=1", a)} }
	names := func(sets []*dataset) []string {
		var out []string
		for _, d := range sets {
			out = append(out, d.tableName("")+"/"+strings.Join(d.partitionKeys(), ","))
		}
		return out
	}
	require.Equal(t, []string{"k_1/", "k_2/", "y/k"}, names(grouping{}.group("s3://b/lake", "", leaves())),
		"by default the incompatible folders of x are tables of their own")
	require.Equal(t, []string{"lake/partition_0,k"}, names(grouping{Combine: true}.group("s3://b/lake", "", leaves())),
		"CombineCompatibleSchemas makes one table")
	require.Equal(t, []string{"x/k", "y/k"}, names(grouping{Level: 3}.groupTarget("s3://b/lake/", leaves())),
		"TableLevelConfiguration 3 puts the tables at s3://b/lake/<table>/")
	require.Equal(t, []string{"lake/partition_0,k"}, names(grouping{Level: 2}.groupTarget("s3://b/lake", leaves())))
}
