package infer_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
)

// columns renders a schema's columns as name:type pairs.
func columns(s *infer.Schema) []string {
	out := make([]string, len(s.Columns))
	for i, f := range s.Columns {
		out[i] = f.Name + ":" + f.Type.String()
	}
	return out
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, data string
		complete         bool
		class, delim     string
		header, quoted   bool
		records          int64
		cols             []string
	}{
		{name: "csv with header", file: "a.csv", data: "id,name,price,ok\n1,apple,1.5,true\n2,pear,2,false\n", complete: true,
			class: "csv", delim: ",", header: true, records: 2, cols: []string{"id:bigint", "name:string", "price:double", "ok:boolean"}},
		{name: "csv without header", file: "a.csv", data: "1,apple\n2,pear\n", complete: true,
			class: "csv", delim: ",", records: 2, cols: []string{"col0:bigint", "col1:string"}},
		{name: "all strings: no header", file: "a.csv", data: "a,b\nc,d\n", complete: true,
			class: "csv", delim: ",", records: 2, cols: []string{"col0:string", "col1:string"}},
		{name: "pipe", file: "a.txt", data: "ID|When|Day\n1|2024-01-02 03:04:05|2024-01-02\n", complete: true,
			class: "csv", delim: "|", header: true, records: 1, cols: []string{"id:bigint", "when:timestamp", "day:date"}},
		{name: "tab", file: "a.tsv", data: "a\tb\n1\t2\n", complete: true, class: "csv", delim: "\t", header: true, records: 1,
			cols: []string{"a:bigint", "b:bigint"}},
		{name: "semicolon quoted", file: "a.csv", data: "k;v\n\"x;y\";1\n\"z\";2\n", complete: true,
			class: "csv", delim: ";", header: true, quoted: true, records: 2, cols: []string{"k:string", "v:bigint"}},
		{name: "widening and nulls", file: "a.csv", data: "a,b,c\n1,,x\n2.5,3,1\n", complete: true,
			class: "csv", delim: ",", header: true, records: 2, cols: []string{"a:double", "b:bigint", "c:string"}},
		{name: "truncated sample drops partial row", file: "a.csv", data: "a,b\n1,2\n3,4\n5", complete: false,
			class: "csv", delim: ",", header: true, records: 2, cols: []string{"a:bigint", "b:bigint"}},
		{name: "a header cell of 150 characters is no header", file: "a.csv", data: strings.Repeat("h", 150) + ",b\n1,2\n", complete: true,
			class: "csv", delim: ",", records: 2, cols: []string{"col0:string", "col1:string"}},
		{name: "a trailing delimiter is dropped", file: "a.csv", data: "a,b,\n1,x,\n", complete: true,
			class: "csv", delim: ",", header: true, records: 1, cols: []string{"a:bigint", "b:string"}},
		{name: "an empty last header cell names its column", file: "a.csv", data: "a,\n1,2\n", complete: true,
			class: "csv", delim: ",", header: true, records: 1, cols: []string{"a:bigint", "col1:bigint"}},
		{name: "json lines nested", file: "a.json", data: `{"id":1,"user":{"name":"a","age":3},"tags":["x"]}` + "\n" +
			`{"id":2.5,"user":{"name":"b","vip":true},"tags":[],"extra":null}` + "\n", complete: true,
			class: "json", records: 2, cols: []string{"id:double", "user:struct<name:string,age:bigint,vip:boolean>", "tags:array<string>", "extra:string"}},
		{name: "json array", file: "a.json", data: `[{"b":true,"a":[1,2.0]},{"b":false}]`, complete: true,
			class: "json", records: 2, cols: []string{"b:boolean", "a:array<double>"}},
		{name: "json mixed types widen to string", file: "a.json", data: "{\"a\":1}\n{\"a\":\"x\"}\n", complete: true,
			class: "json", records: 2, cols: []string{"a:string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := infer.Classify(tt.file, []byte(tt.data), tt.complete)
			require.NoError(t, err)
			require.Equal(t, tt.class, s.Classification)
			require.Equal(t, "none", s.Compression)
			require.Equal(t, tt.delim, s.Delimiter)
			require.Equal(t, tt.header, s.Header)
			require.Equal(t, tt.quoted, s.Quoted)
			require.Equal(t, tt.records, s.Records)
			require.Equal(t, tt.cols, columns(s))
		})
	}
}

func TestClassify_Unknown(t *testing.T) {
	t.Parallel()
	for _, data := range []string{"", "just one line of text\n", "single\ncolumn\n", "[1,2,3]", "{\"a\":1}\n42\n", "a,b\n1,2,3\n"} {
		_, err := infer.Classify("x", []byte(data), true)
		require.ErrorIs(t, err, infer.ErrUnknown, "data %q", data)
	}
	for _, name := range []string{"x.gz", "x.bz2"} {
		_, err := infer.Classify(name, []byte("a,b\n1,2\n"), true)
		require.ErrorIs(t, err, infer.ErrUnknown, "%s that is not compressed", name)
	}
}

func TestClassify_Gzip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte("a,b\n1,x\n2,y\n"))
	require.NoError(t, zw.Close())
	s, err := infer.Classify("part.csv.gz", buf.Bytes(), true)
	require.NoError(t, err)
	require.Equal(t, "gzip", s.Compression)
	require.Equal(t, []string{"a:bigint", "b:string"}, columns(s))

	// A sample cut in the middle of the stream: the rows read so far count.
	buf.Reset()
	zw = gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte("a,b\n"))
	for i := range 50000 {
		_, _ = fmt.Fprintf(zw, "%d,name-%d\n", i, i*7919%10007)
	}
	require.NoError(t, zw.Close())
	s, err = infer.Classify("part.csv.gz", buf.Bytes()[:buf.Len()/2], false)
	require.NoError(t, err)
	require.Equal(t, []string{"a:bigint", "b:string"}, columns(s))
	require.Greater(t, s.Records, int64(1000))
	require.Less(t, s.Records, int64(50000))
}

func TestWiden(t *testing.T) {
	t.Parallel()
	ty := func(k string) *infer.Type { return &infer.Type{Kind: k} }
	tests := []struct {
		a, b *infer.Type
		want string
	}{
		{ty("bigint"), ty("bigint"), "bigint"},
		{ty("bigint"), ty("double"), "double"},
		{ty("date"), ty("timestamp"), "timestamp"},
		{ty("boolean"), ty("bigint"), "string"},
		{nil, ty("boolean"), "boolean"},
		{&infer.Type{Kind: "array", Elem: ty("bigint")}, &infer.Type{Kind: "array", Elem: ty("double")}, "array<double>"},
		{&infer.Type{Kind: "array", Elem: ty("bigint")}, ty("bigint"), "string"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, infer.Widen(tt.a, tt.b).String())
	}
}

func TestCompatibleAndMerge(t *testing.T) {
	t.Parallel()
	a, err := infer.Classify("a.csv", []byte("id,name,price\n1,a,2\n"), true)
	require.NoError(t, err)
	b, err := infer.Classify("b.csv", []byte("id,name,price,qty\n2,b,2.5,3\n"), true)
	require.NoError(t, err)
	other, err := infer.Classify("c.csv", []byte("x,y\n1,2\n"), true)
	require.NoError(t, err)
	require.True(t, infer.Compatible(a, b))
	require.False(t, infer.Compatible(a, other))
	m := infer.Merge(a, b)
	require.Equal(t, []string{"id:bigint", "name:string", "price:double", "qty:bigint"}, columns(m))
	require.Equal(t, int64(2), m.Records)
}
